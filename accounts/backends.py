from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
from accounts.phones import login_key


class PhoneOrEmailBackend(ModelBackend):
    """Log in with a phone number (any common spelling) or an email address.

    The credential keeps Django's name `username` so the stock login form and django-axes
    work unchanged.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs) -> User | None:
        if not username or password is None:
            return None
        user = self._find(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _find(login: str) -> User | None:
        key = login_key(login)
        if key is None:
            return None
        column, value = key
        if column == "email":
            # Stored lower-cased by every form, but an address typed in the admin may not be.
            return User.objects.filter(email__iexact=value).first()
        return User.objects.filter(phone=value).first()


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The key django-axes counts failures under: the normalised phone, or the lower-cased email."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    key = login_key(raw)
    if key is not None:
        return key[1]
    return raw.strip() or None
