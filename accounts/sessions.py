"""How long a person stays signed in. A resident's own phone keeps them in across a contest's
weeks; a civil servant's session never outlives a working day, whatever they tick, because staff
see other people's data and often share an office computer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from accounts.roles import is_staff_member

# Session.set_expiry(0): the cookie goes when the browser closes (and the server forgets the
# session after SESSION_COOKIE_AGE in any case).
UNTIL_BROWSER_CLOSES = 0


def session_age(*, user: User, remember: bool) -> int:
    """Seconds the session lasts after login, or UNTIL_BROWSER_CLOSES."""
    if not remember:
        return UNTIL_BROWSER_CLOSES
    if user.is_staff or is_staff_member(user):
        return settings.STAFF_SESSION_SECONDS
    return settings.RESIDENT_SESSION_SECONDS


def session_keep(request: HttpRequest, *, user: User, remember: bool) -> None:
    """Call right after login(): the new session gets the person's lifetime."""
    request.session.set_expiry(session_age(user=user, remember=remember))
