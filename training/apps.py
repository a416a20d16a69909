from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training modules")

    def ready(self) -> None:
        from quizzes.services.attempts import attempt_finished
        from training import integration
        from training.services import on_attempt_finished

        attempt_finished.connect(on_attempt_finished, dispatch_uid="training.on_attempt_finished")
        integration.register()
