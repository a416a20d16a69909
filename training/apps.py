from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training modules")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.signals import member_columns, personal_data
        from quizzes.signals import attempt_finished, quiz_access
        from training import integration
        from training.services import on_attempt_finished

        # Inside the grading transaction: a passed module quiz completes the module with its grade.
        attempt_finished.connect(on_attempt_finished, dispatch_uid="training.on_attempt_finished")
        quiz_access.connect(integration.module_quiz_access, dispatch_uid="training.module_quiz_access")
        member_columns.connect(integration.member_columns, dispatch_uid="training.member_columns")
        personal_data.connect(integration.training_personal_data, dispatch_uid="training.personal_data")
        post_save.connect(integration.erase_certificate_names, sender=User,
                          dispatch_uid="training.erase_certificate_names")
