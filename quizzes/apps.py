from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Question bank and quizzes")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.signals import personal_data
        from quizzes.personal_data import erase_attempt_origins, quiz_personal_data

        # Attempts in the person's "My data" download; their address erased with the account.
        personal_data.connect(quiz_personal_data, dispatch_uid="quizzes.personal_data")
        post_save.connect(erase_attempt_origins, sender=User, dispatch_uid="quizzes.erase_attempt_origins")
