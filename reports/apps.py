from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from quizzes.services.attempts import attempt_finished
        from reports.tallies import on_attempt_finished

        # Inside the grading transaction, once per attempt: the tallies move with the grades.
        attempt_finished.connect(on_attempt_finished, dispatch_uid="reports.tallies")
