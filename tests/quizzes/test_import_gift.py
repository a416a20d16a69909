"""Importing Moodle GIFT, as Moodle's documentation describes it."""

from pathlib import Path

import pytest
from django.conf import settings

from quizzes.bank_import import questions_import
from quizzes.importers.gift import escape, parse_gift
from quizzes.models import Question, Topic
from tests.quizzes.import_helpers import db_state, messages

pytestmark = pytest.mark.django_db


def gift(text: str):
    return parse_gift(text.encode())


def only(text: str):
    result = gift(text)
    assert not result.errors and not result.skipped, (result.errors, result.skipped)
    (question,) = result.questions
    return question


def test_a_single_answer_question_with_title_comments_category_and_feedback():
    question = only(
        "// Bộ câu hỏi mẫu\n"
        "$CATEGORY: $course$/top/Dịch vụ công\n\n"
        "// chú thích giữa các câu\n"
        "::VNeID 1::[markdown]VNeID do cơ quan nào **quản lý**? {\n"
        "  ~Bộ Y tế#Sai rồi\n"
        "  =Bộ Công an#Chính xác\n"
        "  ####Bộ Công an quản lý ứng dụng VNeID.\n"
        "}\n"
    )

    assert question.text == "VNeID do cơ quan nào **quản lý**?"
    assert question.topic == "Dịch vụ công"
    assert [(c.text, c.correct) for c in question.choices] == [("Bộ Y tế", False), ("Bộ Công an", True)]
    assert question.explanation == "Bộ Công an quản lý ứng dụng VNeID."


def test_escaped_characters_and_a_slash_in_the_category_name():
    question = only(
        "$CATEGORY: top/Nghị quyết 76//NQ-CP\n\n"
        "Trong công thức a \\= b \\{x\\} \\~ \\# \\: \\\\ dòng 1\\ndòng 2 {=đúng \\= đúng ~sai}"
    )

    assert question.topic == "Nghị quyết 76/NQ-CP"
    assert question.text == "Trong công thức a = b {x} ~ # : \\ dòng 1\ndòng 2"
    assert [c.text for c in question.choices] == ["đúng = đúng", "sai"]


def test_true_false_in_all_spellings():
    result = gift("Câu một {T}\n\nCâu hai {FALSE}\n\nCâu ba {TRUE#phản hồi sai#phản hồi đúng ####Giải thích}")

    assert [[(c.text, c.correct) for c in q.choices] for q in result.questions] == [
        [("Đúng", True), ("Sai", False)], [("Đúng", False), ("Sai", True)], [("Đúng", True), ("Sai", False)]]
    assert result.questions[2].explanation == "Giải thích"
    assert {q.type for q in result.questions} == {"true_false"}


def test_percentage_weights_make_a_multiple_answer_question():
    question = only("Chọn các kênh trực tuyến {~%50%Cổng DVC quốc gia ~%50%VNeID ~%-100%Thư tay}")

    assert [(c.text, c.correct) for c in question.choices] == [
        ("Cổng DVC quốc gia", True), ("VNeID", True), ("Thư tay", False)]


def test_the_missing_word_format_keeps_a_blank():
    question = only("Nghị quyết 76 ban hành năm {=2021 ~2020} theo Chính phủ.")

    assert question.text == "Nghị quyết 76 ban hành năm _____ theo Chính phủ."


def test_fields_gift_has_no_place_for_come_from_comment_lines():
    question = only("// Nguồn: NQ 76/NQ-CP, Mục II\n// Độ khó: khó\n// Đối tượng: cán bộ\n// Trạng thái: đã xuất bản\n"
                    "Câu hỏi? {=a ~b}")

    assert (question.source, question.difficulty, question.audience, question.status) == (
        "NQ 76/NQ-CP, Mục II", "khó", "cán bộ", "đã xuất bản")


def test_unsupported_types_are_skipped_one_by_one_and_the_rest_imports():
    make = (
        "$CATEGORY: Chủ đề\n\n"
        "Năm ban hành? {#2021}\n\n"
        "Ghép đôi {=VNeID->Bộ Công an =DVC->Văn phòng Chính phủ}\n\n"
        "Viết cảm nghĩ {}\n\n"
        "Ai quản lý VNeID? {=Bộ Công an =Công an}\n\n"
        "Chỉ là một đoạn mô tả\n\n"
        "Câu thật {=a ~b}\n"
    )

    report = questions_import(source=make.encode(), format="gift")

    assert report.ok and report.created == 1
    assert [str(s) for s in report.skipped] == [
        "Dòng 3: Chưa hỗ trợ câu hỏi điền số; đã bỏ qua.",
        "Dòng 5: Chưa hỗ trợ câu hỏi ghép đôi; đã bỏ qua.",
        "Dòng 7: Chưa hỗ trợ câu hỏi tự luận; đã bỏ qua.",
        "Dòng 9: Chưa hỗ trợ câu hỏi trả lời ngắn; đã bỏ qua.",
        "Dòng 11: Đoạn mô tả không có đáp án không phải câu hỏi; đã bỏ qua.",
    ]
    assert Question.objects.get().text == "Câu thật"


def test_malformed_questions_are_errors_naming_the_line_and_nothing_is_imported():
    before = db_state()
    text = (
        "$CATEGORY: Chủ đề\n\n"
        "Câu tốt {=a ~b}\n\n"
        "Thiếu ngoặc đóng {=a ~b\n\n"
        "Chữ lạc {lạc =a ~b}\n\n"
        "Không có đáp án đúng {~a ~b}\n\n"
        "Hai khối {=a ~b} và {=c ~d}\n"
    )

    report = questions_import(source=text.encode(), format="gift")

    assert messages(report) == [
        "Dòng 5: Phần đáp án phải nằm giữa dấu { và }; đang thiếu một trong hai dấu ngoặc.",
        "Dòng 7: Đoạn “lạc” đứng trước dấu = hoặc ~ đầu tiên trong { }.",
        "Dòng 9: Chưa có lựa chọn nào được đánh dấu là đáp án đúng.",
        "Dòng 11: Câu hỏi có nhiều hơn một cặp { } hoặc có dấu ngoặc thừa. Dấu ngoặc thuộc nội dung câu hỏi "
        "phải viết là \\{ hoặc \\}.",
    ]
    assert db_state() == before


def test_escape_is_undone_by_the_parser():
    text = "a = b {c} ~d #e :f \\g\nh"

    assert only(f"{escape(text)} {{={escape(text)} ~x}}").text == text


def test_the_shipped_example_imports_with_its_numeric_question_skipped():
    data = (Path(settings.BASE_DIR) / "fixtures" / "examples" / "cau-hoi-mau.gift").read_bytes()

    report = questions_import(source=data, format="gift")

    assert report.ok and report.created == 3 and len(report.skipped) == 1
    assert Topic.objects.get().name == "Nghị quyết 76/NQ-CP và Chương trình tổng thể CCHC 2021–2030"
    assert sorted(Question.objects.values_list("type", flat=True)) == ["multiple", "single", "true_false"]
