"""Creating and editing a question with its choices: the rules of each type, the source a
published question needs, the preview, the audit trail, and past attempts left untouched."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import AttemptQuestion, Choice, Question, QuestionStatus, QuestionType
from tests.quizzes.bank_helpers import make_attempt_with, make_question, make_topic

CREATE = reverse("quizzes:bank_question_create")


def _post_data(topic, *, type=QuestionType.SINGLE, text="Cổng Dịch vụ công quốc gia có địa chỉ nào?",
               status=QuestionStatus.DRAFT, source="QĐ 274/QĐ-TTg", explanation="",
               choices=(("dichvucong.gov.vn", True), ("vneid.gov.vn", False)), existing=()) -> dict:
    """The POST of the question page: the question fields and the choice formset.
    `existing` lists (choice pk, text, correct, delete) of choices already saved."""
    data = {"topic": topic.pk, "type": type, "text": text, "explanation": explanation, "difficulty": "medium",
            "audience": "both", "status": status, "source": source}
    rows = [(pk, t, c, d) for pk, t, c, d in existing] + [(None, t, c, False) for t, c in choices]
    data.update({"choices-TOTAL_FORMS": str(len(rows)), "choices-INITIAL_FORMS": str(len(existing)),
                 "choices-MIN_NUM_FORMS": "2", "choices-MAX_NUM_FORMS": "10"})
    for i, (pk, choice_text, correct, delete) in enumerate(rows):
        data[f"choices-{i}-text"] = choice_text
        if pk is not None:
            data[f"choices-{i}-id"] = str(pk)
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
        if delete:
            data[f"choices-{i}-DELETE"] = "on"
    return data


def test_it_shows_an_empty_question_form_with_four_choice_rows(organiser_client, db):
    response = organiser_client.get(CREATE)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 4


def test_it_creates_a_question_with_its_choices_and_audits_it(organiser_client, organiser, db):
    topic = make_topic()
    response = organiser_client.post(CREATE, _post_data(topic, choices=[("A", False), ("B", True), ("", False)]))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:bank_question_edit", args=[question.pk])
    assert question.created_by == organiser
    assert [(c.text, c.is_correct, c.order) for c in question.choices.all()] == [("A", False, 0), ("B", True, 1)]
    entry = AuditEntry.objects.get(action="question.create")
    assert entry.actor == organiser and entry.object_id == str(question.pk)
    assert entry.data["after"]["text"] == question.text
    assert entry.data["after"]["choices"] == [{"text": "A", "is_correct": False}, {"text": "B", "is_correct": True}]


@pytest.mark.parametrize(("type_", "choices", "message"), [
    (QuestionType.SINGLE, [("A", True), ("B", True)], "Câu hỏi một đáp án phải có đúng một phương án"),
    (QuestionType.SINGLE, [("A", False), ("B", False)], "Câu hỏi một đáp án phải có đúng một phương án"),
    (QuestionType.MULTIPLE, [("A", True), ("B", False), ("C", False)], "ít nhất hai phương án đúng"),
    (QuestionType.TRUE_FALSE, [("Đúng", True), ("Sai", False), ("Không rõ", False)], "đúng hai phương án"),
    (QuestionType.TRUE_FALSE, [("Đúng", True), ("Sai", True)], "đúng một phương án"),
    (QuestionType.SINGLE, [("A", True)], "ít nhất hai phương án"),
    (QuestionType.SINGLE, [], "ít nhất hai phương án"),
])
def test_it_refuses_choices_that_break_the_rules_of_the_type(organiser_client, db, type_, choices, message):
    topic = make_topic()
    response = organiser_client.post(CREATE, _post_data(topic, type=type_, choices=choices))
    assert response.status_code == 200
    errors = " ".join(response.context["formset"].non_form_errors())
    assert message in errors
    assert Question.objects.count() == 0 and Choice.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_it_accepts_each_type_when_the_choices_fit(organiser_client, db):
    topic = make_topic()
    for type_, choices in [
        (QuestionType.MULTIPLE, [("A", True), ("B", True), ("C", False)]),
        (QuestionType.TRUE_FALSE, [("Đúng", False), ("Sai", True)]),
    ]:
        assert organiser_client.post(CREATE, _post_data(topic, type=type_, choices=choices)).status_code == 302
    assert Question.objects.count() == 2


def test_a_choice_row_ticked_but_left_empty_is_an_error(organiser_client, db):
    topic = make_topic()
    response = organiser_client.post(CREATE, _post_data(topic, choices=[("A", True), ("B", False), ("", True)]))
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in str(response.context["formset"].errors)
    assert Question.objects.count() == 0


def test_a_published_question_needs_a_source(organiser_client, db):
    topic = make_topic()
    response = organiser_client.post(CREATE, _post_data(topic, status=QuestionStatus.PUBLISHED, source="  "))
    assert response.status_code == 200
    assert "Câu hỏi đã xuất bản cần có nguồn trích dẫn" in " ".join(response.context["form"].errors["source"])
    assert Question.objects.count() == 0


def test_it_refuses_a_missing_question_text_and_an_unknown_topic(organiser_client, db):
    topic = make_topic()
    data = _post_data(topic, text="")
    data["topic"] = "99999"
    response = organiser_client.post(CREATE, data)
    assert response.status_code == 200
    assert "text" in response.context["form"].errors and "topic" in response.context["form"].errors
    assert Question.objects.count() == 0


def test_it_edits_a_question_and_audits_only_what_changed(organiser_client, organiser, db):
    question = make_question(choices=[("Năm 2021", True), ("Năm 2019", False), ("Năm 2023", False)])
    first, second, third = question.choices.all()
    url = reverse("quizzes:bank_question_edit", args=[question.pk])
    data = _post_data(question.topic, text="Nghị quyết 76/NQ-CP được ban hành năm nào?",
                      status=QuestionStatus.PUBLISHED, source="NQ 76/NQ-CP",
                      existing=[(first.pk, "Năm 2021", True, False), (second.pk, "Năm 2020", False, False),
                                (third.pk, "Năm 2023", False, True)],
                      choices=[("Năm 2022", False)])
    response = organiser_client.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Nghị quyết 76/NQ-CP được ban hành năm nào?"
    assert [(c.pk, c.text) for c in question.choices.all()][:2] == [(first.pk, "Năm 2021"), (second.pk, "Năm 2020")]
    assert [c.text for c in question.choices.all()] == ["Năm 2021", "Năm 2020", "Năm 2022"]
    entry = AuditEntry.objects.get(action="question.update")
    assert entry.actor == organiser
    assert set(entry.data["after"]) == {"text", "choices"}
    assert entry.data["before"]["text"] == "Nghị quyết 76/NQ-CP ban hành năm nào?"
    assert entry.data["before"]["choices"][1] == {"text": "Năm 2019", "is_correct": False}


def test_saving_without_a_change_writes_no_audit_entry(organiser_client, db):
    question = make_question(choices=[("A", True), ("B", False)])
    a, b = question.choices.all()
    data = _post_data(question.topic, text=question.text, status=question.status, source=question.source,
                      existing=[(a.pk, "A", True, False), (b.pk, "B", False, False)], choices=[])
    assert organiser_client.post(reverse("quizzes:bank_question_edit", args=[question.pk]), data).status_code == 302
    assert not AuditEntry.objects.filter(action="question.update").exists()


def test_it_refuses_a_choice_of_another_question(organiser_client, db):
    question = make_question(choices=[("A", True), ("B", False)])
    other = make_question(choices=[("X", True), ("Y", False)])
    x = other.choices.first()
    a, b = question.choices.all()
    data = _post_data(question.topic, text=question.text, status=question.status, source=question.source,
                      existing=[(a.pk, "A", True, False), (x.pk, "hijack", False, False)], choices=[])
    response = organiser_client.post(reverse("quizzes:bank_question_edit", args=[question.pk]), data)
    assert response.status_code == 200
    assert "không thuộc câu hỏi này" in " ".join(response.context["formset"].non_form_errors())
    assert Choice.objects.get(pk=x.pk).text == "X"
    assert [c.text for c in question.choices.all()] == ["A", "B"]


def test_editing_a_question_never_changes_a_past_attempt(organiser_client, staff_a, db):
    question = make_question(text="Văn bản cũ?", choices=[("Cũ đúng", True), ("Cũ sai", False)])
    item = make_attempt_with(question, user=staff_a)
    old_choices = list(item.choices)
    a, b = question.choices.all()
    data = _post_data(question.topic, type=QuestionType.SINGLE, text="Văn bản mới?", status=question.status,
                      source=question.source,
                      existing=[(a.pk, "Mới sai", False, False), (b.pk, "Mới đúng", True, False)],
                      choices=[("Thêm", False)])
    response = organiser_client.post(reverse("quizzes:bank_question_edit", args=[question.pk]), data)
    assert response.status_code == 302
    item = AttemptQuestion.objects.get(pk=item.pk)
    assert item.text == "Văn bản cũ?"
    assert item.choices == old_choices
    assert [c["text"] for c in item.choices] == ["Cũ đúng", "Cũ sai"]
    assert item.correct_ids() == {a.pk}
    # The page told the organiser that the change applies to future attempts only.
    page = organiser_client.get(reverse("quizzes:bank_question_edit", args=[question.pk])).content.decode()
    assert "chỉ áp dụng cho các lượt làm bài sau" in page


def test_the_preview_renders_the_markdown_without_saving(organiser_client, db):
    topic = make_topic()
    data = _post_data(topic, text="**Đậm** <script>alert(1)</script>", explanation="[xem](javascript:alert(1))")
    data["preview"] = "1"
    response = organiser_client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Đậm</strong> &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html.split('id="question-preview"')[1]
    assert Question.objects.count() == 0


def test_an_htmx_preview_returns_only_the_preview(organiser_client, db):
    topic = make_topic()
    data = _post_data(topic, text="*Nghiêng*")
    data["preview"] = "1"
    response = organiser_client.post(CREATE, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<em>Nghiêng</em>" in html
    assert "<html" not in html and "<form" not in html
    assert Question.objects.count() == 0
