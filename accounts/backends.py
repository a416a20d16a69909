from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
from accounts.phones import InvalidPhone, normalise_phone


class PhoneOrEmailBackend(ModelBackend):
    """Log in with a phone number (any common spelling) or an email address.

    The credential keeps Django's name `username` so the stock login form and django-axes
    work unchanged.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs) -> User | None:
        if not username or password is None:
            return None
        user = self._find(username.strip())
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _find(login: str) -> User | None:
        if "@" in login:
            return User.objects.filter(email__iexact=login).first()
        try:
            phone = normalise_phone(login)
        except InvalidPhone:
            return None
        return User.objects.filter(phone=phone).first()


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The key django-axes counts failures under: the normalised phone, or the lower-cased email."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    raw = raw.strip()
    if "@" in raw:
        return raw.lower()
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return raw or None
