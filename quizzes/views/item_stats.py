"""Item statistics pages for organisers: per quiz, per question of a quiz, and the quizzes a
bank question appeared in. Everyone else gets a 404, as on the bank's pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.roles import is_organiser
from quizzes.api.serializers import MAX_ID
from quizzes.models import Question, Quiz
from quizzes.stats import quiz_item_stats


def _get_quiz_for_organiser(request: HttpRequest, slug: str) -> Quiz:
    if not is_organiser(request.user):
        raise Http404
    return get_object_or_404(Quiz, slug=slug)


def _get_question_for_organiser(request: HttpRequest, pk: int) -> Question:
    if not is_organiser(request.user):
        raise Http404
    return get_object_or_404(Question, pk=pk)


@require_GET
@login_required
def quiz_stats(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz_for_organiser(request, slug)
    return render(request, "quizzes/stats_quiz.html", {"quiz": quiz, "stats": quiz_item_stats(quiz)})


@require_GET
@login_required
def quiz_question_stats(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    quiz = _get_quiz_for_organiser(request, slug)
    if question_id > MAX_ID:
        # Past 64 bits the database driver cannot even bind it: it names no question.
        raise Http404
    stats = quiz_item_stats(quiz, question_ids=[question_id])
    if not stats.items:
        raise Http404
    return render(request, "quizzes/stats_question.html", {"quiz": quiz, "stats": stats, "item": stats.items[0]})


@require_GET
@login_required
def question_stats(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a bank question was used: a link to its statistics in each quiz."""
    question = _get_question_for_organiser(request, pk)
    quizzes = Quiz.objects.filter(attempts__items__question=question).distinct().order_by("-created_at")
    return render(request, "quizzes/stats_question_quizzes.html", {"question": question, "quizzes": quizzes})
