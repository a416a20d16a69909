"""The organiser's import page: upload, a dry-run preview, then the import, all or nothing;
every error names its line. Plus the template download and the exports."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import Choice, Question, Topic
from tests.quizzes.bank_helpers import make_question, make_topic

IMPORT = reverse("quizzes:bank_import")
TEMPLATE = reverse("quizzes:bank_import_template")
EXPORT = reverse("quizzes:bank_export")

GIFT = """$CATEGORY: Dịch vụ công trực tuyến

// Nguồn: QĐ 274/QĐ-TTg
::q1:: Cổng Dịch vụ công quốc gia có địa chỉ nào? {=dichvucong.gov.vn ~vneid.gov.vn ~chinhphu.vn}

::q2:: Hồ sơ trực tuyến được nộp mọi lúc. {T}

::q3:: Năm ban hành Nghị quyết 76? {#2021}
"""

AIKEN_BROKEN = """Câu hỏi một
A. Một
B. Hai
ANSWER: C

Câu hỏi hai
A. Một
B. Hai
ANSWER: A
"""


def _upload(content: str | bytes, name: str = "ngan-hang.gift.txt") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_it_shows_the_upload_form(organiser_client, db):
    response = organiser_client.get(IMPORT)
    assert response.status_code == 200
    assert response.context["form"]["dry_run"].value() is True
    assert TEMPLATE in response.content.decode()


def test_a_dry_run_previews_and_saves_nothing(organiser_client, db):
    response = organiser_client.post(IMPORT, {"file": _upload(GIFT), "format": "auto", "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kiểm tra đạt: 2 câu hỏi sẵn sàng để nhập" in html
    assert "Cổng Dịch vụ công quốc gia có địa chỉ nào?" in html
    # GIFT's numeric question is not supported: reported as skipped, with its line.
    assert response.context["report"].skipped
    assert "<strong>Dòng 8</strong>: Chưa hỗ trợ câu hỏi điền số; đã bỏ qua." in html
    assert Question.objects.count() == 0 and Topic.objects.count() == 0
    # The next upload imports for real.
    assert response.context["form"]["dry_run"].value() is False


def test_it_imports_redirects_and_shows_the_summary_once(organiser_client, organiser, db):
    response = organiser_client.post(IMPORT, {"file": _upload(GIFT), "format": "gift"})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert Question.objects.count() == 2
    assert Topic.objects.get().name == "Dịch vụ công trực tuyến"
    assert Choice.objects.filter(question__text__startswith="Cổng", is_correct=True).get().text == "dichvucong.gov.vn"
    summary = organiser_client.get(IMPORT).content.decode()
    assert "Đã nhập 2 câu hỏi từ ngan-hang.gift.txt" in summary
    assert "Dịch vụ công trực tuyến" in summary
    assert "Đã nhập 2 câu hỏi" not in organiser_client.get(IMPORT).content.decode()
    assert AuditEntry.objects.get(action="questions.import").actor == organiser


def test_it_lists_every_error_with_its_line_and_imports_nothing(organiser_client, db):
    topic = make_topic("Thủ tục hành chính")
    response = organiser_client.post(IMPORT, {"file": _upload(AIKEN_BROKEN, "bo-cau-hoi.txt"), "format": "aiken",
                                              "topic": topic.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không có câu hỏi nào được nhập" in html
    errors = response.context["errors"]
    # Which line the parser names is the parser's business (tested there); the page shows it.
    assert len(errors) == 1 and errors[0]["location"].startswith("Dòng ")
    assert errors[0]["message"] == "Đáp án đúng “C” không ứng với lựa chọn nào của câu hỏi này."
    assert f"<td>{errors[0]['location']}</td><td>{errors[0]['message']}</td>" in html
    assert Question.objects.count() == 0
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("data", "name"), [(b"\x00\x01 not a workbook", "hong.xlsx"), (b"PK\x03\x04broken", "x.docx")])
def test_a_broken_file_is_a_clear_error_not_a_crash(organiser_client, db, data, name):
    response = organiser_client.post(IMPORT, {"file": _upload(data, name), "format": "auto"})
    assert response.status_code == 200
    assert response.context["errors"][0]["location"] == "Tệp"
    assert Question.objects.count() == 0


def test_an_unknown_extension_with_auto_format_asks_for_the_format(organiser_client, db):
    response = organiser_client.post(IMPORT, {"file": _upload(GIFT, "cau-hoi.pdf"), "format": "auto"})
    assert response.context["errors"][0]["message"].startswith("Không nhận ra định dạng tệp từ tên tệp")
    assert Question.objects.count() == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"format": "auto"}, "file", "Trường này là bắt buộc"),
    ({"format": "pdf", "file": "x"}, "format", "“pdf” không có trong danh sách lựa chọn"),
    ({"format": "gift", "topic": "999", "file": "x"}, "topic", "Chủ đề này không tồn tại"),
])
def test_it_refuses_a_bad_form(organiser_client, db, data, field, message):
    if "file" in data:
        data = {**data, "file": _upload(GIFT)}
    response = organiser_client.post(IMPORT, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Question.objects.count() == 0


def test_an_empty_file_is_refused(organiser_client, db):
    response = organiser_client.post(IMPORT, {"file": _upload(b"", "rong.txt"), "format": "auto"})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert Question.objects.count() == 0


def test_it_serves_the_xlsx_template(organiser_client, db):
    response = organiser_client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_exports_the_whole_bank_or_one_topic_and_the_export_imports_back(organiser_client, db):
    first = make_question(topic=make_topic("Nghị quyết 76", slug="nq76"), text="Câu hỏi về NQ 76?")
    make_question(topic=make_topic("Dịch vụ công", slug="dvc"), text="Câu hỏi về DVC?")
    whole = organiser_client.get(EXPORT, {"format": "gift"})
    assert whole.status_code == 200 and "attachment" in whole["Content-Disposition"]
    text = whole.content.decode()
    assert "Câu hỏi về NQ 76?" in text and "Câu hỏi về DVC?" in text
    one = organiser_client.get(EXPORT, {"format": "xlsx", "topic": first.topic_id})
    assert 'filename="ngan-hang-cau-hoi-nq76.xlsx"' in one["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(one.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Câu hỏi về NQ 76?" in cells and "Câu hỏi về DVC?" not in cells
    # The export is a valid import: a dry run of it finds the question again.
    preview = organiser_client.post(IMPORT, {"file": _upload(one.content, "nq76.xlsx"), "format": "auto",
                                             "dry_run": "on"})
    assert [q.text for q in preview.context["report"].questions] == ["Câu hỏi về NQ 76?"]


def test_the_export_page_offers_the_choice_and_refuses_junk(organiser_client, db):
    assert organiser_client.get(EXPORT).status_code == 200
    response = organiser_client.get(EXPORT, {"format": "pdf", "topic": "abc"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "“pdf” không có trong danh sách lựa chọn" in " ".join(errors["format"])
    assert "Chủ đề này không tồn tại" in " ".join(errors["topic"])
