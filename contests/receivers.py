"""What contests answer to the engine's signals (quizzes/signals.py) and to accounts' (accounts/
signals.py), connected in ContestsConfig.ready(). Every engine receiver is called for every quiz:
Round.objects.for_quiz tells a round's quiz by the relation (Round.quiz, Round.staff_quiz), and
the receiver says nothing about any other quiz."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.models import User
from contests.fairness import quiz_publish_check, review_withheld
from contests.models import Prediction, Round
from contests.services import round_eligibility_check, round_quiz_id_for, round_start_limit_check
from contests.standings import standing_refresh
from quizzes.models import Attempt, Quiz
from quizzes.services.errors import QuizError
from quizzes.signals import Withheld


def round_quiz_access(sender, quiz: Quiz, user: User, **kwargs) -> bool | None:
    """quiz_access: a round's quiz reached through the engine's quiz page or the API obeys the
    contest's audience and age rules, and each person takes their own pool (staff or not)."""
    round_ = Round.objects.select_related("contest").for_quiz(quiz)
    if round_ is None:
        return None
    try:
        round_eligibility_check(round_=round_, user=user)
    except QuizError:
        return False
    return None if round_quiz_id_for(round_=round_, user=user) == quiz.pk else False


def round_attempt_starting(sender, quiz: Quiz, user: User, client_ip: str | None, **kwargs) -> None:
    """attempt_starting: one person's or one address's flood of starts at rounds is refused
    (TooManyStarts)."""
    if Round.objects.for_quiz(quiz) is not None:
        round_start_limit_check(user=user, client_ip=client_ip)


def round_attempt_finished(sender, attempt: Attempt, **kwargs) -> None:
    """attempt_finished: a round's graded attempt updates the person's standing, in the grading
    transaction."""
    round_ = Round.objects.for_quiz(attempt.quiz)
    if round_ is not None:
        standing_refresh(attempt=attempt, round_=round_)


def round_submit_page(sender, attempt: Attempt, **kwargs) -> str | None:
    """attempt_submit_page: a round's attempt is submitted on the contest's page (prediction first)."""
    if Round.objects.for_quiz(attempt.quiz_id) is None:
        return None
    return reverse("contests:round_submit", args=[attempt.pk])


def round_result_page(sender, attempt: Attempt, **kwargs) -> str | None:
    """attempt_result_page: once a round's attempt is closed (countdown, deadline), the person sees
    the contest's result: score, time, provisional rank and the prediction still to give."""
    if Round.objects.for_quiz(attempt.quiz_id) is None:
        return None
    return reverse("contests:round_result", args=[attempt.pk])


def pool_review_withheld(sender, attempt: Attempt, user: User, question_ids: frozenset[int],
                         **kwargs) -> list[Withheld]:
    """answer_review_withheld: the right answers of questions a live contest this person can take
    can draw stay hidden in every review (contests/fairness.py), whichever quiz the attempt is of."""
    return review_withheld(sender, attempt=attempt, user=user, question_ids=question_ids)


def pool_quiz_publishing(sender, quiz: Quiz, **kwargs) -> None:
    """quiz_publishing: a quiz whose review would show a live contest's answers is refused
    (contests.errors.QuizPoolOverlap, listing the questions)."""
    quiz_publish_check(quiz)


def contest_personal_data(sender, user: User, **kwargs) -> dict[str, Any]:
    """personal_data: the tie-break predictions the person gave, one per attempt."""
    predictions = Prediction.objects.filter(attempt__user=user).order_by("created_at", "pk")
    return {"contest_predictions": [
        {"attempt": p.attempt_id, "value": p.value, "given_at": p.created_at.isoformat()} for p in predictions
    ]}
