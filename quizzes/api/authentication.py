"""Token authentication of the quiz API: DRF's, in one plain query.

DRF reads the token with `select_related("user")`; compiling that query (and even running it as a
raw queryset, which works out its columns and conversions each time) was a large share of an
answer save (make bench, tests/bench/run.py), the API's most frequent request. Here the same join
is one statement, built once from the models' own table and column names (accounts/rows.py); the
person comes back as a full User (every field, converted as the ORM converts it) and the refusals
are DRF's own: an unknown token, an inactive person.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts import rows


@cache
def _user_by_token_sql() -> str:
    user_field = Token._meta.get_field("user")
    user_model = user_field.related_model
    join = f"t.{rows.column(Token, 'user')} = u.{rows.column(user_model, 'id')}"
    # Only the models' own names are interpolated; the key is a bound parameter.
    return (f"SELECT {rows.columns(user_model, 'u').sql} FROM {rows.table(user_model)} u "  # noqa: S608
            f"INNER JOIN {rows.table(Token)} t ON {join} WHERE t.{rows.column(Token, 'key')} = %s")


def _user_with_token(key: str):
    """The token's person (every field, as the ORM loads it), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_user_by_token_sql(), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    return rows.columns(Token._meta.get_field("user").related_model, "u").instance(row)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        user = _user_with_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # request.auth is the token, as with DRF; its creation time is read only if asked for.
        token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token


class _KeyOnly(authentication.TokenAuthentication):
    """DRF's reading of the Authorization header, stopped at the key: (None, key), unchecked."""

    def authenticate_credentials(self, key: str):
        return None, key


def token_key(request) -> str | None:
    """The token key that TokenAuthentication would check, read from the header as DRF reads it;
    None without one, or with a header that DRF refuses before looking the key up."""
    try:
        found = _KeyOnly().authenticate(request)
    except exceptions.AuthenticationFailed:
        return None
    return found[1] if found is not None else None
