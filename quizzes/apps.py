from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Question bank, quizzes and contests")

    def ready(self) -> None:
        # Contests keep their standings on the engine's attempt_finished signal and add a quiz gate.
        from quizzes import personal_data
        from quizzes.contests import integration

        integration.register()
        # Attempts in the person's "My data" download; their address erased with the account.
        personal_data.register()
