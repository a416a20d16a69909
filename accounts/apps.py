from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from accounts.backends import login_failure_count
        from accounts.roles import ensure_roles

        # Permissions exist only after migrate, so the role groups are (re)filled then.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts.ensure_roles")
        post_save.connect(_revoke_tokens_on_new_password, sender=self.get_model("User"),
                          dispatch_uid="accounts.revoke_tokens_on_new_password")
        user_login_failed.connect(login_failure_count, dispatch_uid="accounts.login_failure_count")


def _revoke_tokens_on_new_password(sender, instance, created: bool, **kwargs) -> None:
    """A new password (changed, reset, set by an organiser) also revokes the account's API tokens,
    as Django's session hash logs out the other browsers: a leaked password's token dies with it.
    `_password` holds the new password from set_password() until the save has finished."""
    if not created and getattr(instance, "_password", None) is not None:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=instance).delete()
