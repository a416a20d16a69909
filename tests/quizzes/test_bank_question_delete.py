"""Deleting a question: only when no attempt has shown it; otherwise the page explains why and
offers to archive it (set it to draft)."""

from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import AttemptQuestion, Choice, Question, QuestionStatus, Quiz, QuizFixedQuestion
from tests.quizzes.bank_helpers import make_attempt_with, make_question


def _url(question) -> str:
    return reverse("quizzes:bank_question_delete", args=[question.pk])


def test_it_asks_before_deleting_an_unused_question(organiser_client, db):
    question = make_question()
    response = organiser_client.get(_url(question))
    assert response.status_code == 200
    assert response.context["can_delete"] is True
    assert Question.objects.filter(pk=question.pk).exists()


def test_it_deletes_an_unused_question_with_its_choices_and_audits_it(organiser_client, organiser, db):
    question = make_question()
    pk = question.pk
    response = organiser_client.post(_url(question))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:bank_question_list")
    assert not Question.objects.filter(pk=pk).exists()
    assert not Choice.objects.filter(question_id=pk).exists()
    entry = AuditEntry.objects.get(action="question.delete")
    assert entry.actor == organiser and entry.object_id == str(pk)
    assert entry.data["before"]["text"] == question.text
    assert len(entry.data["before"]["choices"]) == 3


def test_it_refuses_to_delete_a_question_an_attempt_used_and_offers_to_archive(organiser_client, staff_a, db):
    question = make_question()
    make_attempt_with(question, user=staff_a)
    page = organiser_client.get(_url(question))
    assert page.context["can_delete"] is False
    assert "Lưu trữ (chuyển về bản nháp)" in page.content.decode()
    response = organiser_client.post(_url(question))
    assert response.status_code == 400
    assert "đã được dùng trong 1 lượt làm bài nên không thể xóa" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
    assert AttemptQuestion.objects.filter(question=question).count() == 1
    assert not AuditEntry.objects.exists()


def test_archiving_from_the_delete_page_sets_the_question_to_draft(organiser_client, staff_a, db):
    question = make_question(status=QuestionStatus.PUBLISHED)
    make_attempt_with(question, user=staff_a)
    organiser_client.post(reverse("quizzes:bank_question_status", args=[question.pk]), {"status": "draft"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT


def test_it_refuses_to_delete_a_question_a_quiz_lists_by_hand(organiser_client, db):
    question = make_question()
    quiz = Quiz.objects.create(title="Thi thử", slug="thi-thu")
    QuizFixedQuestion.objects.create(quiz=quiz, question=question)
    response = organiser_client.post(_url(question))
    assert response.status_code == 400
    assert "danh sách câu hỏi cố định của 1 bài kiểm tra" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
