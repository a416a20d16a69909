"""Importing questions from the Excel template layout."""

import io

import pytest
from openpyxl import load_workbook

from quizzes.bank_import import questions_import
from quizzes.exporters import bank_template_xlsx
from quizzes.importers.xlsx import HEADERS
from quizzes.models import Question, Topic
from tests.quizzes.import_helpers import db_state, make_topic, make_xlsx, messages

pytestmark = pytest.mark.django_db

ROW = {"Chủ đề": "Dịch vụ công trực tuyến", "Câu hỏi": "VNeID là gì?", "Loại": "một đáp án",
       "A": "Ứng dụng định danh điện tử", "B": "Một mạng xã hội", "Đáp án đúng": "A",
       "Giải thích": "VNeID do Bộ Công an quản lý.", "Độ khó": "dễ", "Đối tượng": "người dân",
       "Nguồn": "Đề án 06", "Trạng thái": "đã xuất bản"}


def test_it_imports_each_row_with_its_fields(organiser):
    topic = make_topic()
    data = make_xlsx([ROW, {**ROW, "Câu hỏi": "Chọn các kênh nộp hồ sơ trực tuyến", "Loại": "nhiều đáp án",
                            "A": "Cổng Dịch vụ công quốc gia", "B": "Ứng dụng VNeID", "C": "Gửi thư tay",
                            "Đáp án đúng": "A, B", "Độ khó": "khó", "Đối tượng": "cán bộ", "Trạng thái": "nháp"}])

    report = questions_import(source=data, format="xlsx", actor=organiser)

    assert report.ok and report.created == 2
    first, second = Question.objects.order_by("pk")
    assert (first.topic, first.type, first.difficulty, first.audience, first.status, first.source) == (
        topic, "single", "easy", "public", "published", "Đề án 06")
    assert first.explanation == "VNeID do Bộ Công an quản lý."
    assert [(c.text, c.is_correct) for c in first.choices.order_by("order")] == [
        ("Ứng dụng định danh điện tử", True), ("Một mạng xã hội", False)]
    assert (second.type, second.difficulty, second.audience, second.status) == ("multiple", "hard", "staff", "draft")
    assert [c.is_correct for c in second.choices.order_by("order")] == [True, True, False]
    assert first.created_by == organiser


def test_it_fills_in_defaults_and_infers_the_type():
    make_topic()
    data = make_xlsx([{"Chủ đề": "dich-vu-cong", "Câu hỏi": "Câu hỏi?", "A": "Một", "B": "Hai", "C": "Ba",
                       "Đáp án đúng": "a;c"}])

    report = questions_import(source=data, format="xlsx")

    question = Question.objects.get()
    assert report.ok
    assert (question.type, question.difficulty, question.audience, question.status) == (
        "multiple", "medium", "both", "draft")


def test_it_builds_the_true_false_pair_from_the_answer_word():
    make_topic()
    data = make_xlsx([{"Chủ đề": "dich-vu-cong", "Câu hỏi": "Có thể nộp hồ sơ qua mạng.", "Loại": "đúng sai",
                       "Đáp án đúng": "Sai"}])

    assert questions_import(source=data, format="xlsx").ok
    question = Question.objects.get()
    assert question.type == "true_false"
    assert [(c.text, c.is_correct) for c in question.choices.order_by("order")] == [("Đúng", False), ("Sai", True)]


def test_it_accepts_a_title_above_the_header_unaccented_headers_and_numbers():
    make_topic()
    headers = ["chu de", "cau hoi", "A", "B", "dap an dung"]
    data = make_xlsx([["dich-vu-cong", "Năm ban hành Nghị quyết 76?", 2021, 2020, "A"]], headers=headers,
                     above=[["NGÂN HÀNG CÂU HỎI"]])

    report = questions_import(source=data, format="xlsx")

    assert report.ok
    assert [c.text for c in Question.objects.get().choices.order_by("order")] == ["2021", "2020"]


def test_it_reports_every_bad_row_by_number_and_imports_nothing():
    make_topic()
    before = db_state()
    data = make_xlsx([
        ROW,
        {**ROW, "Câu hỏi": "", "Đáp án đúng": "A"},
        {**ROW, "Câu hỏi": "Câu có đáp án lạ", "Đáp án đúng": "G"},
        {**ROW, "Câu hỏi": "Câu khó lạ", "Độ khó": "siêu khó"},
        {**ROW, "Câu hỏi": "Câu thiếu nguồn", "Nguồn": ""},
        {**ROW, "Câu hỏi": "Câu bỏ trống B", "B": "", "C": "Ba"},
        {**ROW, "Câu hỏi": "Câu hai đáp án", "Đáp án đúng": "A,B"},
        {**ROW, "Câu hỏi": "Câu trùng lựa chọn", "B": "ứng dụng  định danh điện tử"},
    ])

    report = questions_import(source=data, format="xlsx")

    assert not report.ok and report.created == 0
    assert messages(report) == [
        "Dòng 3: Câu hỏi không có nội dung.",
        "Dòng 4: Đáp án đúng “G” không ứng với lựa chọn nào của câu hỏi này.",
        "Dòng 5: Độ khó “siêu khó” không hợp lệ: hãy ghi dễ, trung bình hoặc khó.",
        "Dòng 6: Câu hỏi đã xuất bản phải có nguồn trích dẫn (số hiệu văn bản và điều, mục).",
        "Dòng 7: Lựa chọn B bị trống trong khi lựa chọn sau có nội dung; hãy điền các lựa chọn liên tục từ A.",
        "Dòng 8: Câu hỏi một đáp án chỉ có đúng một lựa chọn đúng; câu này đang đánh dấu 2 lựa chọn.",
        "Dòng 9: Lựa chọn “ứng dụng  định danh điện tử” bị lặp lại.",
    ]
    assert db_state() == before


def test_it_rejects_a_sheet_without_the_question_column():
    before = db_state()
    report = questions_import(source=make_xlsx([["x"]], headers=["Tên", "Tuổi"]), format="xlsx")

    assert messages(report) == ["Tệp: Không tìm thấy dòng tiêu đề có cột “Câu hỏi”. "
                                "Hãy dùng tệp mẫu tải từ trang ngân hàng câu hỏi."]
    assert db_state() == before


def test_it_rejects_a_file_that_is_not_xlsx():
    report = questions_import(source=b"Ten,Tuoi\nAn,30\n", format="xlsx")

    assert messages(report) == ["Tệp: Tệp không phải tệp Excel .xlsx hợp lệ (tệp bị hỏng hoặc ở định dạng khác; "
                                "tệp .xls cũ cần lưu lại thành .xlsx)."]
    assert Question.objects.count() == 0


def test_it_rejects_a_damaged_xlsx():
    data = bytearray(make_xlsx([ROW]))
    data[len(data) // 2: len(data) // 2 + 200] = b"\0" * 200

    report = questions_import(source=bytes(data), format="xlsx")

    assert messages(report) == ["Tệp: Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại thành "
                                ".xlsx rồi nhập lại."]
    assert Question.objects.count() == 0


def test_the_template_has_the_columns_a_frozen_header_and_a_guide():
    book = load_workbook(io.BytesIO(bank_template_xlsx()))
    sheet = book["Câu hỏi"]

    assert [c.value for c in sheet[1]] == HEADERS
    assert HEADERS[:4] == ["Chủ đề", "Câu hỏi", "Loại", "A"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 60
    assert "Hướng dẫn" in book.sheetnames
    assert any("một đáp án" in str(v.formula1) for v in sheet.data_validations.dataValidation)


def test_an_empty_template_imports_nothing_with_a_clear_message():
    report = questions_import(source=bank_template_xlsx(), format="xlsx")

    assert messages(report) == ["Tệp: Tệp không có câu hỏi nào để nhập."]
    assert Topic.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(fmt):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (101 * 2**20))

    report = questions_import(source=out.getvalue(), format=fmt)

    assert len(out.getvalue()) < 1_000_000
    assert messages(report) == ["Tệp: Tệp khi giải nén lớn hơn 100 MB; hãy chia thành các tệp nhỏ hơn."]
