from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self) -> None:
        from accounts.roles import ensure_roles

        # Permissions exist only after migrate, so the role groups are (re)filled then.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts.ensure_roles")
