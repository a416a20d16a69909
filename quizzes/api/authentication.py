"""Token authentication of the quiz API: DRF's, in one plain query.

DRF reads the token with `select_related("user")`; compiling that query was a sixth of an answer
save (make bench, tests/bench/run.py), the API's most frequent request. Here the same join is one
raw SQL statement, built once from the models' own table and column names; the person comes back
as a full User (every field, converted as the ORM converts it) and the refusals are DRF's own:
an unknown token, an inactive person.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


@cache
def _user_by_token_sql() -> str:
    quote = connection.ops.quote_name
    key = Token._meta.get_field("key")
    user_field = Token._meta.get_field("user")
    user_model = user_field.related_model
    user_table, token_table = quote(user_model._meta.db_table), quote(Token._meta.db_table)
    join = f"t.{quote(user_field.column)} = u.{quote(user_model._meta.pk.column)}"
    # Only the models' own names are interpolated; the key is a bound parameter.
    return f"SELECT u.* FROM {user_table} u INNER JOIN {token_table} t ON {join} WHERE t.{quote(key.column)} = %s"  # noqa: S608


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        user_model = Token._meta.get_field("user").related_model
        user = next(iter(user_model.objects.raw(_user_by_token_sql(), [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # request.auth is the token, as with DRF; its creation time is read only if asked for.
        token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
