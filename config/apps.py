from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigConfig(AppConfig):
    """The project's own app: the task queue's schedules (tasks.py) and their command."""

    name = "config"
    verbose_name = "Configuration"

    def ready(self) -> None:
        from django.apps import apps

        from config.tasks import schedules_sync_after_migrate

        # Sent once per migrate for every app with models, after all migrations: django_q's is
        # the one whose tables the schedules need (this app has no models, so gets none).
        post_migrate.connect(schedules_sync_after_migrate, sender=apps.get_app_config("django_q"),
                             dispatch_uid="config.schedules_sync")
