from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import ratelimit
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


class LoginLimitBackend:
    """Refuses a login, before any password is checked, once the account or the address has had
    too many wrong passwords in its window (RATE_LIMITS: "login-failure-account", -"address").
    django-axes locks one account from one address; this covers one account guessed from many
    addresses, and one address trying a password on many accounts. It authenticates nobody: it
    sits between axes and PhoneOrEmailBackend, and the failures are counted by
    `login_failure_count` (the user_login_failed signal), so the page and the API count alike."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **kwargs) -> None:
        if request is None:
            return None
        account = lockout_username(request, {"username": username})
        if ratelimit.limit_reached("login-failure-account", account) or ratelimit.limit_reached(
                "login-failure-address", ratelimit.client_ip(request)):
            # Read by LoginForm and the token view, to say why instead of "wrong password".
            request.login_limited = True
            raise PermissionDenied  # authenticate() stops here and tries no other backend
        return None
    # No get_user(): no session ever names this backend, and Django's test client picks the
    # first backend that has one for force_login().


def login_failure_count(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """user_login_failed: one more wrong password for the account and for the address."""
    if request is None:
        return
    ratelimit.limit_hit("login-failure-account", lockout_username(request, credentials))
    ratelimit.limit_hit("login-failure-address", ratelimit.client_ip(request))
