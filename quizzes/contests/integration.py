"""What contests add to the quiz engine: standings kept on every graded attempt, and the
engine's quiz gate so a round's quiz reached through the generic quiz pages or the API obeys the
contest's audience and age rules too."""

from __future__ import annotations

from quizzes.access import register_quiz_gate
from quizzes.models import Quiz

# Round quizzes carry this slug prefix (a round cannot be saved otherwise): the gate, the
# standings and the pages then cost no query for every other quiz.
CONTEST_QUIZ_PREFIX = "contest-"


def contest_quiz_gate(quiz: Quiz, user) -> bool:
    if not quiz.slug.startswith(CONTEST_QUIZ_PREFIX):
        return True
    from quizzes.contests.services import round_eligibility_check, round_quiz_for
    from quizzes.contests.standings import round_for_quiz
    from quizzes.services.errors import QuizError

    round_ = round_for_quiz(quiz)
    if round_ is None:
        return True
    try:
        round_eligibility_check(round_=round_, user=user)
    except QuizError:
        return False
    return round_quiz_for(round_=round_, user=user).pk == quiz.pk


def contest_attempt_finished(sender, attempt, **kwargs) -> None:
    """attempt_finished receiver: a round's graded attempt updates the person's standing."""
    if not attempt.quiz.slug.startswith(CONTEST_QUIZ_PREFIX):
        return
    from quizzes.contests.standings import standing_refresh

    standing_refresh(attempt=attempt)


def contest_start_guard(*, quiz: Quiz, user, client_ip: str | None) -> None:
    if not quiz.slug.startswith(CONTEST_QUIZ_PREFIX):
        return
    from quizzes.contests.services import contest_start_guard as guard

    guard(quiz=quiz, user=user, client_ip=client_ip)


def contest_submit_page(attempt) -> str | None:
    """The engine's submit page sends a round's attempt to the contest's (prediction first)."""
    if not attempt.quiz.slug.startswith(CONTEST_QUIZ_PREFIX):
        return None
    from django.urls import reverse

    return reverse("contests:round_submit", args=[attempt.pk])


def contest_result_page(attempt) -> str | None:
    """After the countdown (or the deadline) closes a round's attempt, the engine sends the
    person to the contest's result: score, time, provisional rank and the missing prediction."""
    if not attempt.quiz.slug.startswith(CONTEST_QUIZ_PREFIX):
        return None
    from django.urls import reverse

    return reverse("contests:round_result", args=[attempt.pk])


ORGANISER_PERMISSIONS = ["add_contest", "change_contest", "view_contest", "add_round", "change_round",
                         "view_round", "view_standing", "view_prize"]


def grant_organiser_permissions(**_kwargs) -> None:
    """Organisers edit contests and rounds in the admin (after migrate; idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import Role

    group, _created = Group.objects.get_or_create(name=Role.ORGANISER.value)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="quizzes",
                                                     codename__in=ORGANISER_PERMISSIONS))


_registered = False


def register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from quizzes.services.attempts import attempt_finished

    attempt_finished.connect(contest_attempt_finished, dispatch_uid="contests.standings")
    register_quiz_gate(contest_quiz_gate)
    from quizzes.services.attempts import START_GUARDS

    if contest_start_guard not in START_GUARDS:
        START_GUARDS.append(contest_start_guard)
    from django.db.models.signals import post_migrate

    post_migrate.connect(grant_organiser_permissions, dispatch_uid="contests.grant_organiser_permissions")
    import quizzes.contests.admin  # noqa: F401 (registers the contest admin pages)
    from quizzes.views.attempts import RESULT_PAGE_HOOKS, SUBMIT_PAGE_HOOKS

    if contest_submit_page not in SUBMIT_PAGE_HOOKS:
        SUBMIT_PAGE_HOOKS.append(contest_submit_page)
    if contest_result_page not in RESULT_PAGE_HOOKS:
        RESULT_PAGE_HOOKS.append(contest_result_page)
