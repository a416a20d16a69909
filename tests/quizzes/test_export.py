"""Exporting the bank to .xlsx and GIFT: export → import gives the same bank."""

import pytest

from quizzes.bank_import import questions_import
from quizzes.exporters import bank_export_gift, bank_export_xlsx
from quizzes.models import Choice, Question, Topic
from tests.quizzes.import_helpers import bank_snapshot

pytestmark = pytest.mark.django_db


def add(topic: Topic, text: str, choices: list[tuple[str, bool]], **fields) -> Question:
    question = Question.objects.create(topic=topic, text=text, **fields)
    Choice.objects.bulk_create([Choice(question=question, text=t, is_correct=c, order=i)
                                for i, (t, c) in enumerate(choices)])
    return question


@pytest.fixture
def bank():
    nq76 = Topic.objects.create(slug="nq76", name="Nghị quyết 76/NQ-CP: cải cách hành chính")
    dvc = Topic.objects.create(slug="dvc", name="Dịch vụ công trực tuyến")
    add(nq76, "Nghị quyết 76/NQ-CP ban hành năm nào?", [("2020", False), ("2021", True), ("2022", False)],
        type="single", difficulty="easy", audience="staff", status="published", source="NQ 76/NQ-CP, Mục I",
        explanation="Ban hành ngày 15/7/2021.\nCó hiệu lực từ ngày ký.")
    add(nq76, "Những nội dung nào thuộc Chương trình?", [("Cải cách thể chế", True), ("Nông thôn mới", False),
                                                         ("Cải cách TTHC", True)],
        type="multiple", difficulty="hard", audience="both", status="draft")
    add(dvc, "VNeID do Bộ Công an quản lý.", [("Đúng", True), ("Sai", False)], type="true_false",
        audience="public", status="published", source="Đề án 06")
    add(dvc, "Câu sai trước?", [("Sai", True), ("Đúng", False)], type="true_false")
    add(dvc, "Đúng/sai với lựa chọn riêng?", [("Có", False), ("Không", True)], type="true_false")
    add(dvc, "Hai lựa chọn đúng sai nhưng là một đáp án?", [("Đúng", False), ("Sai", True)], type="single")
    add(dvc, "// Ký tự đặc biệt: {a} = b ~ c # d \\ e\n**Markdown** <script>x</script>",
        [("=SUM(A1)", True), ("$CATEGORY: x", False), ("a::b", False)], type="single",
        explanation="#### không phải phản hồi")
    return bank_snapshot()


def clear_questions() -> None:
    Choice.objects.all().delete()
    Question.objects.all().delete()


def test_xlsx_export_then_import_gives_the_same_bank(bank):
    data = bank_export_xlsx()
    clear_questions()

    report = questions_import(source=data, format="xlsx")

    assert report.ok, [str(e) for e in report.errors]
    assert bank_snapshot() == bank
    assert Topic.objects.count() == 2


def test_gift_export_then_import_gives_the_same_bank(bank):
    text = bank_export_gift()
    clear_questions()

    report = questions_import(source=text.encode(), format="gift")

    assert report.ok and not report.skipped, [str(e) for e in report.errors]
    assert bank_snapshot() == bank
    assert Topic.objects.count() == 2


def test_gift_export_is_plain_moodle_gift():
    topic = Topic.objects.create(slug="nq76", name="Nghị quyết 76/NQ-CP")
    add(topic, "Chọn hai", [("a", True), ("b", True), ("c", False)], type="multiple")
    add(topic, "Đúng không?", [("Đúng", False), ("Sai", True)], type="true_false", explanation="Vì sao")

    text = bank_export_gift()

    assert text.startswith("$CATEGORY: Nghị quyết 76//NQ-CP\n")
    assert "::Câu 1:: Chọn hai {~%50%a ~%50%b ~%-100%c}" in text
    assert "::Câu 2:: Đúng không? {F ####Vì sao}" in text


def test_an_export_into_a_fresh_bank_recreates_the_topics(bank):
    data = bank_export_xlsx()
    clear_questions()
    Topic.objects.all().delete()

    assert questions_import(source=data, format="xlsx").ok
    assert bank_snapshot() == bank
    assert set(Topic.objects.values_list("slug", flat=True)) == {"nghi-quyet-76-nq-cp-cai-cach-hanh-chinh",
                                                                 "dich-vu-cong-truc-tuyen"}


def test_one_topic_can_be_exported_alone(bank):
    dvc = Topic.objects.get(slug="dvc")

    text, data = bank_export_gift(topic=dvc), bank_export_xlsx(topic=dvc)
    clear_questions()
    questions_import(source=data, format="xlsx")

    assert "Nghị quyết" not in text and text.count("::Câu ") == 5
    assert set(Question.objects.values_list("topic__slug", flat=True)) == {"dvc"}
    assert Question.objects.count() == 5
