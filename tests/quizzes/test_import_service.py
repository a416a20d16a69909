"""questions_import: the one door every import goes through (page, command, demo loader)."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import quizzes.importers
from accounts.models import AuditEntry
from quizzes.bank_import import PREVIEW_SIZE, questions_import, topic_slug
from quizzes.importers import detect_format
from quizzes.models import Question, Topic
from tests.quizzes.import_helpers import db_state, make_topic, make_xlsx, messages

pytestmark = pytest.mark.django_db


def gift_questions(count: int, category: str = "Dịch vụ công") -> bytes:
    body = "\n\n".join(f"Câu hỏi số {n}? {{=phương án một ~phương án hai}}" for n in range(1, count + 1))
    return f"$CATEGORY: {category}\n\n{body}\n".encode()


def test_a_dry_run_previews_and_writes_nothing(organiser):
    before = db_state()
    data = gift_questions(25) + "\n$CATEGORY: An toàn thông tin\n\nCâu đúng sai {T}\n".encode()

    report = questions_import(source=data, format="gift", dry_run=True, actor=organiser)

    assert report.ok and report.dry_run and report.created == 0
    assert [(c.topic, c.type, c.count) for c in report.counts] == [
        ("An toàn thông tin", "Đúng/Sai", 1), ("Dịch vụ công", "Một đáp án", 25)]
    assert report.topics_created == ["An toàn thông tin", "Dịch vụ công"]
    assert len(report.preview) == PREVIEW_SIZE and report.preview[0].text == "Câu hỏi số 1?"
    assert db_state() == before


def test_a_real_import_saves_everything_and_leaves_an_audit_entry(organiser):
    report = questions_import(source=gift_questions(3), format="gift", actor=organiser, filename="bo-cau-hoi.gift")

    assert report.created == 3
    assert Question.objects.filter(created_by=organiser, status="draft").count() == 3
    entry = AuditEntry.objects.get(action="questions.import")
    assert entry.actor == organiser
    assert entry.data["created"] == 3 and entry.data["file"] == "bo-cau-hoi.gift"
    assert entry.data["topics_created"] == ["Dịch vụ công"]


def test_one_bad_question_blocks_the_whole_file():
    before = db_state()
    data = gift_questions(10) + "\nCâu hỏi hỏng {~a ~b}\n".encode()

    report = questions_import(source=data, format="gift")

    assert messages(report) == ["Dòng 23: Chưa có lựa chọn nào được đánh dấu là đáp án đúng."]
    assert report.created == 0 and db_state() == before


def test_the_topic_option_puts_every_question_in_that_topic():
    topic = make_topic()

    report = questions_import(source=gift_questions(2, "Chủ đề khác"), format="gift", topic="dich-vu-cong")

    assert report.ok and set(Question.objects.values_list("topic", flat=True)) == {topic.pk}
    assert Topic.objects.count() == 1


def test_an_unknown_topic_code_is_refused():
    before = db_state()

    report = questions_import(source=gift_questions(1), format="gift", topic="khong-co")

    assert messages(report) == ["Tệp: Không có chủ đề nào có mã “khong-co”."]
    assert db_state() == before


@pytest.mark.parametrize("written", ["dich-vu-cong", "dịch vụ CÔNG  trực tuyến", "Dich vu cong truc tuyen"])
def test_a_topic_is_found_by_code_by_name_or_by_unaccented_name(written):
    topic = make_topic("Dịch vụ công trực tuyến", "dich-vu-cong-truc-tuyen" if "Dich" in written else "dich-vu-cong")

    assert questions_import(source=gift_questions(1, written), format="gift").ok
    assert Question.objects.get().topic == topic and Topic.objects.count() == 1


def test_a_new_topic_gets_a_slug_from_its_unaccented_name():
    assert topic_slug("Đường dây nóng: Quản lý đô thị") == "duong-day-nong-quan-ly-do-thi"
    assert topic_slug("???") == "chu-de"


def test_questions_without_a_topic_among_others_are_named():
    make_topic()
    data = make_xlsx([{"Chủ đề": "dich-vu-cong", "Câu hỏi": "Một?", "A": "x", "B": "y", "Đáp án đúng": "A"},
                      {"Câu hỏi": "Hai?", "A": "x", "B": "y", "Đáp án đúng": "A"}])

    report = questions_import(source=data, format="xlsx")

    assert messages(report) == ["Dòng 3: Câu hỏi chưa có chủ đề: hãy điền Chủ đề, hoặc chọn một chủ đề cho cả tệp."]


def test_a_file_over_the_upload_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000

    report = questions_import(source=gift_questions(100), format="gift")

    assert messages(report)[0].startswith("Tệp: Tệp quá lớn (")
    assert "tối đa 0.0 MB" in messages(report)[0] or "tối đa 0,0 MB" in messages(report)[0]
    assert Question.objects.count() == 0


def test_too_many_questions_are_refused(monkeypatch):
    monkeypatch.setattr(quizzes.importers, "MAX_QUESTIONS", 5)

    report = questions_import(source=gift_questions(6), format="gift")

    assert messages(report) == ["Tệp: Tệp có hơn 5 câu hỏi; hãy chia thành các tệp nhỏ hơn."]


def test_overlong_text_is_refused():
    data = f"$CATEGORY: X\n\n{'dài ' * 2000}? {{=a ~b}}\n".encode()

    assert messages(questions_import(source=data, format="gift")) == [
        "Dòng 3: Nội dung câu hỏi quá dài (8001 ký tự, tối đa 5000)."]


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: text.encode("utf-16"),  # with its BOM
    lambda text: unicodedata.normalize("NFD", text).encode("utf-8"),
])
def test_text_files_in_utf8_or_utf16_import_the_same(encode):
    text = "$CATEGORY: Dịch vụ công\n\nNghị quyết được ban hành năm nào? {=2021 ~2020}\n"

    assert questions_import(source=encode(text), format="gift").ok
    assert Question.objects.get().text == "Nghị quyết được ban hành năm nào?"
    assert Topic.objects.get().name == "Dịch vụ công"


def test_a_legacy_encoding_is_explained():
    before = db_state()
    data = "Đáp án nào đúng? {=Đúng ~Sai}".encode("cp1258")

    report = questions_import(source=data, format="gift")

    assert messages(report) == ["Tệp: Tệp không phải văn bản UTF-8 (có thể đang lưu bằng mã Windows-1258 hoặc mã "
                                "khác). Hãy lưu lại tệp với mã UTF-8 rồi nhập lại."]
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "gift", "aiken"])
def test_an_empty_file_is_explained(fmt):
    assert messages(questions_import(source=b"", format=fmt)) == ["Tệp: Tệp rỗng, không có nội dung."]
    if fmt in ("gift", "aiken"):
        assert messages(questions_import(source=b" \n\n ", format=fmt)) == ["Tệp: Tệp rỗng, không có nội dung."]


def test_an_uploaded_file_is_read_and_its_format_guessed_from_its_name():
    upload = SimpleUploadedFile("cau-hoi.gift", gift_questions(2))

    report = questions_import(source=upload, filename=upload.name)

    assert report.format == "gift" and report.created == 2


def test_the_format_is_guessed_from_the_extension():
    assert detect_format("Bo-cau-hoi.XLSX") == "xlsx"
    assert detect_format("a.docx") == "docx"
    assert detect_format("a.gift") == "gift"
    assert detect_format("a.txt", b"Question? {=a ~b}") == "gift"
    assert detect_format("a.txt", b"Question?\nA. a\nB. b\nANSWER: A\n") == "aiken"
    assert detect_format("a.pdf") is None
    assert messages(questions_import(source=b"x", filename="a.pdf")) == [
        "Tệp: Không nhận ra định dạng tệp từ tên tệp; hãy chọn xlsx, docx, gift hoặc aiken."]
