from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from accounts.signals import personal_data
        from contests import receivers
        from quizzes.signals import (
            answer_review_withheld,
            attempt_finished,
            attempt_result_page,
            attempt_starting,
            attempt_submit_page,
            quiz_access,
            quiz_publishing,
        )

        quiz_access.connect(receivers.round_quiz_access, dispatch_uid="contests.quiz_access")
        attempt_starting.connect(receivers.round_attempt_starting, dispatch_uid="contests.attempt_starting")
        attempt_finished.connect(receivers.round_attempt_finished, dispatch_uid="contests.attempt_finished")
        attempt_submit_page.connect(receivers.round_submit_page, dispatch_uid="contests.attempt_submit_page")
        attempt_result_page.connect(receivers.round_result_page, dispatch_uid="contests.attempt_result_page")
        answer_review_withheld.connect(receivers.pool_review_withheld, dispatch_uid="contests.answer_review_withheld")
        quiz_publishing.connect(receivers.pool_quiz_publishing, dispatch_uid="contests.quiz_publishing")
        personal_data.connect(receivers.contest_personal_data, dispatch_uid="contests.personal_data")
