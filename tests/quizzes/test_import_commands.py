"""manage.py import_questions / export_questions, for organisers' scripts."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from quizzes.models import Question
from tests.quizzes.import_helpers import db_state, make_topic

pytestmark = pytest.mark.django_db
GIFT = "$CATEGORY: Dịch vụ công\n\nCâu một? {=a ~b}\n\nCâu hai? {=c ~d}\n\nĐiền số {#3}\n"


def run(*args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_guessing_the_format_from_its_name(tmp_path):
    path = tmp_path / "cau-hoi.gift"
    path.write_text(GIFT, encoding="utf-8")

    out, err = run("import_questions", str(path))

    assert "Đã nhập 2 câu hỏi." in out
    assert "Dịch vụ công — Một đáp án: 2" in out
    assert "Bỏ qua — Dòng 7: Chưa hỗ trợ câu hỏi điền số; đã bỏ qua." in err
    assert Question.objects.count() == 2


def test_a_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "cau-hoi.txt"  # .txt with GIFT braces is read as GIFT
    path.write_text(GIFT, encoding="utf-8")
    before = db_state()

    out, _err = run("import_questions", str(path), "--dry-run")

    assert "Kiểm tra đạt: có thể nhập 2 câu hỏi (chạy thử, chưa ghi gì)." in out
    assert db_state() == before


def test_errors_are_printed_and_the_command_fails(tmp_path):
    make_topic()
    path = tmp_path / "aiken.txt"
    path.write_text("Câu hỏi?\nA. Một\nB. Hai\n", encoding="utf-8")
    before = db_state()

    with pytest.raises(CommandError, match="Chưa nhập câu hỏi nào: có 1 lỗi."):
        run("import_questions", str(path), "--topic", "dich-vu-cong")
    assert db_state() == before


def test_the_exit_status_is_non_zero_with_the_errors_on_stderr(tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"not a workbook")

    done = subprocess.run([sys.executable, "manage.py", "import_questions", str(path), "--dry-run"],
                          cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert "Tệp: Tệp không phải tệp Excel .xlsx hợp lệ" in done.stderr


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("import_questions", str(tmp_path / "khong-co.xlsx"))


def test_it_exports_to_xlsx_and_gift_and_imports_back(tmp_path):
    source = tmp_path / "vao.gift"
    source.write_text(GIFT, encoding="utf-8")
    run("import_questions", str(source))

    run("export_questions", str(tmp_path / "ra.xlsx"))
    run("export_questions", str(tmp_path / "ra.gift"), "--topic", "dich-vu-cong")
    Question.objects.all().delete()
    out, _err = run("import_questions", str(tmp_path / "ra.xlsx"))

    assert "Đã nhập 2 câu hỏi." in out
    assert "::Câu 2:: Câu hai? {=c ~d}" in Path(tmp_path / "ra.gift").read_text("utf-8")


def test_export_refuses_an_unknown_topic_or_format(tmp_path):
    with pytest.raises(CommandError, match="Không có chủ đề nào có mã “x”."):
        run("export_questions", str(tmp_path / "a.xlsx"), "--topic", "x")
    with pytest.raises(CommandError, match="Không nhận ra định dạng"):
        run("export_questions", str(tmp_path / "a.pdf"))
