from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Question bank, quizzes and contests")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.signals import personal_data
        from quizzes.personal_data import erase_attempt_origins, quiz_personal_data

        # Attempts in the person's "My data" download; their address erased with the account.
        personal_data.connect(quiz_personal_data, dispatch_uid="quizzes.personal_data")
        post_save.connect(erase_attempt_origins, sender=User, dispatch_uid="quizzes.erase_attempt_origins")
        if find_spec("quizzes.contests.integration") is not None:
            _connect_contests_until_they_move()


def _connect_contests_until_they_move() -> None:
    """Contests still live in quizzes/contests/ while they move to an app of their own (issue 11),
    whose AppConfig.ready() then connects its receivers to quizzes.signals: until then, the old
    package's functions are connected to those signals here. Gone with quizzes/contests/."""
    from django.db.models.signals import post_migrate

    import quizzes.contests.admin  # noqa: F401 (registers the contest admin pages)
    from quizzes.contests import integration
    from quizzes.signals import (
        attempt_finished,
        attempt_result_page,
        attempt_starting,
        attempt_submit_page,
        quiz_access,
    )

    attempt_finished.connect(integration.contest_attempt_finished, dispatch_uid="quizzes.contests.standings")
    quiz_access.connect(_contest_access, dispatch_uid="quizzes.contests.access")
    attempt_starting.connect(_contest_start, dispatch_uid="quizzes.contests.start")
    attempt_submit_page.connect(_contest_submit_page, dispatch_uid="quizzes.contests.submit_page")
    attempt_result_page.connect(_contest_result_page, dispatch_uid="quizzes.contests.result_page")
    post_migrate.connect(integration.grant_organiser_permissions, dispatch_uid="quizzes.contests.permissions")


def _contest_access(sender, quiz, user, **kwargs):
    from quizzes.contests.integration import contest_quiz_gate

    return contest_quiz_gate(quiz, user)


def _contest_start(sender, quiz, user, client_ip, **kwargs) -> None:
    from quizzes.contests.integration import contest_start_guard

    contest_start_guard(quiz=quiz, user=user, client_ip=client_ip)


def _contest_submit_page(sender, attempt, **kwargs):
    from quizzes.contests.integration import contest_submit_page

    return contest_submit_page(attempt)


def _contest_result_page(sender, attempt, **kwargs):
    from quizzes.contests.integration import contest_result_page

    return contest_result_page(attempt)
