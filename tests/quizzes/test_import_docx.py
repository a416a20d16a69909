"""Importing the Word convention organisers draft in: "Câu 1:", "A.", the right answer in bold,
underline, with a trailing * or an "Đáp án:" line."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from quizzes.bank_import import questions_import
from quizzes.importers.docx import parse_docx
from quizzes.models import Question, Topic
from tests.quizzes.import_helpers import db_state, make_docx, make_topic, messages

pytestmark = pytest.mark.django_db
BOLD = {"bold": True}
UNDERLINE = {"underline": True}


def choices_of(question: Question) -> list[tuple[str, bool]]:
    return [(c.text, c.is_correct) for c in question.choices.order_by("order")]


def test_it_reads_each_way_of_marking_the_right_answer():
    make_topic()
    data = make_docx([
        "BỘ CÂU HỎI THI TÌM HIỂU CCHC",  # a title before the first question is ignored
        "Chủ đề: Dịch vụ công trực tuyến",
        "Câu 1: VNeID do cơ quan nào quản lý?",
        "A. Bộ Y tế",
        [("B. Bộ Công an", BOLD)],
        "Câu 2. Cổng Dịch vụ công quốc gia có địa chỉ nào?",
        "A) dichvucong.gov.vn",
        [("B) ", {}), ("vneid.gov.vn", UNDERLINE)],
        "C) chinhphu.vn",
        "Câu 3: Nghị quyết 76/NQ-CP ban hành năm nào?",
        "A. 2020",
        "B. 2021 *",
        "Câu 4: Kênh nào nộp hồ sơ trực tuyến được?",
        "A. Cổng Dịch vụ công quốc gia",
        "B. Ứng dụng VNeID",
        "C. Gửi thư tay",
        "Đáp án: A, C",
    ])

    report = questions_import(source=data, format="docx")

    assert report.ok, messages(report)
    q1, q2, q3, q4 = Question.objects.order_by("pk")
    assert choices_of(q1) == [("Bộ Y tế", False), ("Bộ Công an", True)]
    assert choices_of(q2) == [("dichvucong.gov.vn", False), ("vneid.gov.vn", True), ("chinhphu.vn", False)]
    assert choices_of(q3) == [("2020", False), ("2021", True)]
    assert [c for _t, c in choices_of(q4)] == [True, False, True] and q4.type == "multiple"
    assert {q.topic.slug for q in (q1, q2, q3, q4)} == {"dich-vu-cong"}


def test_it_reads_the_optional_lines_and_a_question_over_several_paragraphs():
    data = make_docx([
        "Chủ đề: An toàn thông tin",
        "Câu 1: Khi nhận cuộc gọi tự xưng là công an,",
        "người gọi đề nghị đọc mã OTP. Quý vị nên làm gì?",
        "A. Đọc mã OTP",
        "B. Không cung cấp và báo cơ quan công an *",
        "Giải thích: Không ai được quyền hỏi mã OTP.",
        "Mã OTP chỉ dùng cho chính chủ tài khoản.",
        "Nguồn: Cảnh báo của Bộ Công an",
        "Độ khó: khó",
        "Đối tượng: người dân",
        "Trạng thái: đã xuất bản",
    ])

    assert questions_import(source=data, format="docx").ok
    question = Question.objects.get()
    assert question.text == "Khi nhận cuộc gọi tự xưng là công an,\nngười gọi đề nghị đọc mã OTP. Quý vị nên làm gì?"
    assert question.explanation == "Không ai được quyền hỏi mã OTP.\nMã OTP chỉ dùng cho chính chủ tài khoản."
    assert (question.source, question.difficulty, question.audience, question.status) == (
        "Cảnh báo của Bộ Công an", "hard", "public", "published")
    assert question.topic.name == "An toàn thông tin" and question.topic.slug == "an-toan-thong-tin"


def test_options_on_line_breaks_and_word_list_numbering_are_options_too():
    result = parse_docx(make_docx([
        "Câu 1: Câu hỏi có lựa chọn xuống dòng?",
        [("A. Một\n", {}), ("B. Hai", BOLD)],
        "Câu 2: Câu hỏi có danh sách tự đánh số?",
        "Lựa chọn thứ nhất",
        [("Lựa chọn thứ hai", BOLD)],
    ], numbered=[3, 4]))

    first, second = result.questions
    assert [(c.text, c.correct) for c in first.choices] == [("Một", False), ("Hai", True)]
    assert [(c.text, c.correct) for c in second.choices] == [("Lựa chọn thứ nhất", False), ("Lựa chọn thứ hai", True)]


def test_formatting_marks_count_when_most_of_the_option_is_bold():
    make_topic()
    data = make_docx([
        "Chủ đề: dich-vu-cong",
        "Câu 1: Câu hỏi?",
        [("A. Một lựa chọn có một chữ ", {}), ("đậm", BOLD)],
        [("B. Lựa chọn đúng", BOLD)],
    ])

    assert questions_import(source=data, format="docx").ok
    assert choices_of(Question.objects.get()) == [("Một lựa chọn có một chữ đậm", False), ("Lựa chọn đúng", True)]


def test_the_answer_line_wins_over_formatting():
    make_topic()
    data = make_docx(["Chủ đề: dich-vu-cong", "Câu 1: Câu hỏi?", [("A. Một", BOLD)], "B. Hai", "Đáp án: B"])

    assert questions_import(source=data, format="docx").ok
    assert choices_of(Question.objects.get()) == [("Một", False), ("Hai", True)]


def test_a_true_false_question_may_give_only_its_answer():
    make_topic()
    data = make_docx(["Chủ đề: dich-vu-cong", "Câu 1: Có thể nộp hồ sơ qua mạng.", "Đáp án: Đúng"])

    assert questions_import(source=data, format="docx").ok
    question = Question.objects.get()
    assert question.type == "true_false" and choices_of(question) == [("Đúng", True), ("Sai", False)]


def test_it_names_the_question_of_each_problem_and_imports_nothing():
    make_topic()
    before = db_state()
    data = make_docx([
        "Chủ đề: dich-vu-cong",
        "Câu 1: Câu hỏi đúng?", "A. Một", "B. Hai *",
        "Câu 2: Câu hỏi nhảy chữ cái?", "A. Một *", "C. Ba",
        "Câu 3: Câu hỏi chưa đánh dấu?", "A. Một", "B. Hai",
        "Câu 4: Câu hỏi có đoạn lạ?", "A. Một *", "B. Hai", "Một đoạn văn lạc chỗ",
        "Câu 5: Câu hỏi một lựa chọn?", "A. Một *",
    ])

    report = questions_import(source=data, format="docx")

    assert messages(report) == [
        "Câu 2: Lựa chọn C không đúng thứ tự: lẽ ra là B.",
        "Câu 3: Chưa có lựa chọn nào được đánh dấu là đáp án đúng.",
        "Câu 4: Không hiểu đoạn “Một đoạn văn lạc chỗ”: sau các lựa chọn chỉ được có các dòng Đáp án, "
        "Giải thích, Nguồn, Độ khó, Đối tượng, Trạng thái hoặc Loại.",
        "Câu 5: Câu hỏi cần từ 2 đến 6 lựa chọn; câu này có 1.",
    ]
    assert db_state() == before


def test_a_document_without_questions_is_explained():
    report = questions_import(source=make_docx(["Biên bản họp", "Nội dung cuộc họp"]), format="docx")

    assert messages(report) == ["Tệp: Không tìm thấy câu hỏi nào. Mỗi câu hỏi bắt đầu bằng “Câu 1:” "
                                "(hoặc “Câu 1.”) ở đầu dòng."]


def test_a_file_that_is_not_docx_or_is_damaged_is_explained():
    not_docx = questions_import(source="Câu 1: ...".encode(), format="docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<không phải xml")
    damaged = questions_import(source=out.getvalue(), format="docx")

    assert messages(not_docx) == ["Tệp: Tệp không phải tệp Word .docx hợp lệ (tệp bị hỏng hoặc ở định dạng khác; "
                                  "tệp .doc cũ cần lưu lại thành .docx)."]
    assert messages(damaged) == ["Tệp: Tệp Word bị hỏng, không đọc được. Hãy mở tệp bằng Word, lưu lại thành "
                                 ".docx rồi nhập lại."]
    assert Question.objects.count() == 0


def test_the_shipped_example_imports_cleanly():
    data = (Path(settings.BASE_DIR) / "fixtures" / "examples" / "cau-hoi-mau.docx").read_bytes()

    report = questions_import(source=data, format="docx")

    assert report.ok and report.created == 4
    assert Topic.objects.count() == 2
    assert Question.objects.filter(type="multiple").count() == 1
