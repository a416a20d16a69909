"""Publishing and unpublishing a question from its page."""

from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import Choice, QuestionStatus
from tests.quizzes.bank_helpers import make_question


def _url(question) -> str:
    return reverse("quizzes:bank_question_status", args=[question.pk])


def test_it_publishes_a_draft_and_audits_it(organiser_client, organiser, db):
    question = make_question(status=QuestionStatus.DRAFT)
    response = organiser_client.post(_url(question), {"status": "published"}, follow=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    assert "Câu hỏi đã được xuất bản" in response.content.decode()
    entry = AuditEntry.objects.get(action="question.publish")
    assert entry.actor == organiser
    assert entry.data == {"before": {"status": "draft"}, "after": {"status": "published"}}


def test_it_unpublishes_a_question(organiser_client, db):
    question = make_question(status=QuestionStatus.PUBLISHED)
    organiser_client.post(_url(question), {"status": "draft"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    assert AuditEntry.objects.filter(action="question.unpublish").count() == 1


def test_it_will_not_publish_without_a_source(organiser_client, db):
    question = make_question(status=QuestionStatus.DRAFT, source="")
    response = organiser_client.post(_url(question), {"status": "published"}, follow=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    assert "Hãy thêm nguồn trích dẫn" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_it_will_not_publish_a_question_whose_choices_break_the_rules(organiser_client, db):
    question = make_question(status=QuestionStatus.DRAFT, choices=[("A", True), ("B", True)])
    response = organiser_client.post(_url(question), {"status": "published"}, follow=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    assert "Câu hỏi một đáp án phải có đúng một phương án" in response.content.decode()
    assert Choice.objects.filter(question=question).count() == 2


def test_it_refuses_an_unknown_status(organiser_client, db):
    question = make_question(status=QuestionStatus.DRAFT)
    response = organiser_client.post(_url(question), {"status": "deleted"}, follow=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    assert "Hãy chọn xuất bản câu hỏi hoặc chuyển về bản nháp" in response.content.decode()
    assert not AuditEntry.objects.exists()
