"""Importing Moodle Aiken: question line, A. / A) options, ANSWER: line."""

from pathlib import Path

import pytest
from django.conf import settings

from quizzes.bank_import import questions_import
from quizzes.models import Question
from tests.quizzes.import_helpers import db_state, make_topic, messages

pytestmark = pytest.mark.django_db

TWO = """\
Nghị quyết 76/NQ-CP ban hành chương trình giai đoạn nào?
A. 2011–2020
B. 2021–2030
ANSWER: B

Ai quản lý ứng dụng VNeID?
A) Bộ Y tế
B) Bộ Công an
C) Bộ Tài chính
ANSWER: B
"""


def test_it_imports_each_question_into_the_chosen_topic():
    topic = make_topic()

    report = questions_import(source=TWO.encode(), format="aiken", topic="dich-vu-cong")

    assert report.ok and report.created == 2
    first, second = Question.objects.order_by("pk")
    assert first.topic == topic and first.type == "single"
    assert [(c.text, c.is_correct) for c in second.choices.order_by("order")] == [
        ("Bộ Y tế", False), ("Bộ Công an", True), ("Bộ Tài chính", False)]


def test_it_is_lenient_where_that_costs_nothing():
    make_topic()
    text = ("Câu hỏi dài\nviết trên hai dòng?\nA. Một\nB. Hai\nC. Ba\nANSWER: A, C\n"
            "Câu tiếp theo ngay sau, không có dòng trống?\nA. Có\nB. Không\nĐáp án: A\n")

    report = questions_import(source=text.encode(), format="aiken", topic="dich-vu-cong")

    assert report.ok
    first, second = Question.objects.order_by("pk")
    assert first.text == "Câu hỏi dài\nviết trên hai dòng?" and first.type == "multiple"
    assert second.text == "Câu tiếp theo ngay sau, không có dòng trống?"


def test_each_error_names_its_line_and_nothing_is_imported():
    make_topic()
    before = db_state()
    text = (
        "Câu tốt?\nA. Một\nB. Hai\nANSWER: A\n\n"        # lines 1-5
        "Câu thiếu đáp án?\nA. Một\nB. Hai\n\n"           # lines 6-9
        "Câu nhảy chữ?\nA. Một\nC. Hai\nANSWER: A\n\n"    # lines 10-14
        "Câu có dòng lạ?\nA. Một\nB. Hai\nlạc chỗ\n\n"     # lines 15-19
        "Câu đáp án ngoài?\nA. Một\nB. Hai\nANSWER: D\n"  # lines 20-23
    )

    report = questions_import(source=text.encode(), format="aiken", topic="dich-vu-cong")

    assert messages(report) == [
        "Dòng 6: Câu hỏi thiếu dòng “ANSWER:” sau các lựa chọn.",
        "Dòng 12: Lựa chọn C không đúng thứ tự: lẽ ra là B.",
        "Dòng 18: Dòng này không phải lựa chọn (A. …) cũng không phải dòng ANSWER:. "
        "Giữa các câu hỏi phải có một dòng trống.",
        "Dòng 23: Đáp án đúng “D” không ứng với lựa chọn nào của câu hỏi này.",
    ]
    assert db_state() == before


def test_without_a_topic_it_asks_for_one():
    before = db_state()

    report = questions_import(source=TWO.encode(), format="aiken")

    assert messages(report) == ["Tệp: Chưa có chủ đề. Hãy chọn một chủ đề cho cả tệp, hoặc ghi chủ đề trong tệp "
                                "(cột hoặc dòng Chủ đề, hoặc $CATEGORY: trong GIFT)."]
    assert db_state() == before


def test_the_shipped_example_imports_cleanly():
    make_topic()
    data = (Path(settings.BASE_DIR) / "fixtures" / "examples" / "cau-hoi-mau-aiken.txt").read_bytes()

    assert questions_import(source=data, format="aiken", topic="dich-vu-cong").created == 2
