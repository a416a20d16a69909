"""The statements of an attempt's busiest moments, written once in SQL from the models' own names.

Saving an answer is the quiz API's most frequent request (one for every tap on a choice, from
every participant of a contest at once) and submitting the next; compiled by the ORM on each
request, their few queries were most of their time (make bench, tests/bench/run.py). Here they
are plain statements with bound parameters, and their rows come back as ordinary model instances
through accounts/rows.py. Only the paths where everything is in order use them: when a statement
finds nothing, services/attempts.py works out why with the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache

from django.db import connection
from rest_framework.authtoken.models import Token

from accounts import rows
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, QuestionType, Quiz

# What the attempt page and the API answer a save with: the item's id, attempt, position, type
# and choices.
SAVED_ITEM_FIELDS = ("id", "attempt", "position", "type", "choices")


# Each statement below reaches the attempt by its primary key alone, and tests whether it is open
# on the row found. Given the open-attempt conditions in its WHERE, PostgreSQL may serve them from
# attempt_overdue_idx (status, deadline) instead when its statistics lag behind a burst of new
# attempts (both plans then cost the same to it): a scan of every open attempt for each save,
# found in make bench (3,300 rows read for one).
_ATTEMPT_STATE = ("status", "deadline")


def _is_open(state: list, open_since: datetime) -> bool:
    status, deadline = state
    return status == AttemptStatus.OPEN and deadline >= open_since


# --- Saving an answer --------------------------------------------------------------------------

@cache
def _answerable_item_sql(*, owned: bool, lock: bool) -> str:
    item = rows.columns(AttemptQuestion, "i", SAVED_ITEM_FIELDS)
    state = rows.columns(Attempt, "a", _ATTEMPT_STATE)
    owner = f" AND a.{rows.column(Attempt, 'user')} = %s" if owned else ""
    # FOR UPDATE OF the attempt only: a save and a submit of one attempt take turns.
    locking = " FOR UPDATE OF a" if lock else ""
    # Only the models' own names are interpolated; every value is a bound parameter.
    item_attempt = f"i.{rows.column(AttemptQuestion, 'attempt')}"
    return (
        f"SELECT {item.sql}, {state.sql} FROM {rows.table(AttemptQuestion)} i "  # noqa: S608
        f"INNER JOIN {rows.table(Attempt)} a ON a.{rows.column(Attempt, 'id')} = {item_attempt} "
        f"WHERE i.{rows.column(AttemptQuestion, 'id')} = %s AND {item_attempt} = %s{owner}{locking}"
    )


def answerable_item(*, attempt_pk: int, item_pk: int, owner_pk: int | None, open_since: datetime,
                    lock: bool = False) -> AttemptQuestion | None:
    """The item (SAVED_ITEM_FIELDS only) if it belongs to the attempt, the attempt to `owner_pk`
    (when given), and the attempt is open with its deadline at or after `open_since`; otherwise
    None. With `lock`, the attempt row stays locked until the transaction ends (PostgreSQL)."""
    params = [item_pk, attempt_pk]
    if owner_pk is not None:
        params.append(owner_pk)
    with connection.cursor() as cursor:
        cursor.execute(_answerable_item_sql(owned=owner_pk is not None, lock=lock), params)
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(SAVED_ITEM_FIELDS)
    if not _is_open(rows.columns(Attempt, "a", _ATTEMPT_STATE).values(row[split:]), open_since):
        return None
    return rows.columns(AttemptQuestion, "i", SAVED_ITEM_FIELDS).instance(row[:split])


def _open_attempt_condition(*, lock: bool, owner: str = "") -> str:
    """`attempt_id IN (…)`: the attempt found by its key (the first parameter) is open, its
    deadline at or after the third (the second is the open status), and `owner`, a condition on
    its user_id column `a.user_id`, holds."""
    # The attempt's row found by its key, then tested (OFFSET 0 keeps PostgreSQL from pushing the
    # test down into the sub-select, where it would plan it as above). FOR SHARE: a submit
    # holding the row (FOR UPDATE) makes this write wait, then test the row as the submit left
    # it (closed: nothing written); a submit arriving after waits for this write to commit, and
    # grades it. SQLite always finds a row by its key when given one.
    locking = " OFFSET 0 FOR SHARE" if lock else ""
    pk, status, deadline, user = (rows.column(Attempt, name) for name in ("id", "status", "deadline", "user"))
    owner = f" AND {owner}" if owner else ""
    return (
        f"{rows.column(AttemptQuestion, 'attempt')} IN (SELECT a.{pk} FROM "  # noqa: S608
        f"(SELECT {pk}, {status}, {deadline}, {user} FROM {rows.table(Attempt)} WHERE {pk} = %s{locking}) a "
        f"WHERE a.{status} = %s AND a.{deadline} >= %s{owner})"
    )


@cache
def _write_answer_sql(*, only_if_open: bool, lock: bool) -> str:
    condition = f" AND {_open_attempt_condition(lock=lock)}" if only_if_open else ""
    return (
        f"UPDATE {rows.table(AttemptQuestion)} SET {rows.column(AttemptQuestion, 'selected')} = %s, "  # noqa: S608
        f"{rows.column(AttemptQuestion, 'answered_at')} = %s WHERE {rows.column(AttemptQuestion, 'id')} = %s{condition}"
    )


def write_answer(item: AttemptQuestion, chosen: list[int], now: datetime, *,
                 open_since: datetime | None = None, lock: bool = False) -> bool:
    """Write the answer onto the item. With `open_since`, only if its attempt is still open with
    its deadline at or after it, checked by the same statement (with `lock`, under a share lock
    on the attempt row: PostgreSQL); SQLite holds its write lock for this one statement only.
    False when nothing was written."""
    params = [rows.param(AttemptQuestion, "selected", chosen), rows.param(AttemptQuestion, "answered_at", now),
              item.pk]
    if open_since is not None:
        params += [item.attempt_id, AttemptStatus.OPEN.value, rows.param(Attempt, "deadline", open_since)]
    with connection.cursor() as cursor:
        cursor.execute(_write_answer_sql(only_if_open=open_since is not None, lock=lock), params)
        written = cursor.rowcount
    if not written:
        return False
    item.selected, item.answered_at = chosen, now
    return True


# Every chosen id is one of the item's choices (its snapshot: a JSON list of {"id": …, …}):
# PostgreSQL's jsonb containment of [{"id": …}, …]; SQLite's JSON functions on a list of ids. The
# condition and its parameter go together: change one, change the other.

def _choices_within(snapshot: str) -> str:
    """The condition on the JSON column `snapshot`, with one parameter: _chosen_ids(chosen)."""
    if connection.vendor == "postgresql":
        return f"{snapshot} @> %s::jsonb"
    return ("NOT EXISTS (SELECT 1 FROM json_each(%s) c WHERE c.value NOT IN "  # noqa: S608
            f"(SELECT json_extract(o.value, '$.id') FROM json_each({snapshot}) o))")


def _chosen_ids(chosen: list[int]) -> str:
    if connection.vendor == "postgresql":
        return json.dumps([{"id": choice} for choice in chosen])
    return json.dumps(chosen)


@cache
def _write_answer_with_token_sql(*, lock: bool) -> str:
    item_table = rows.table(AttemptQuestion)
    choices, kind = (f"{item_table}.{rows.column(AttemptQuestion, name)}" for name in ("choices", "type"))
    user_model = Token._meta.get_field("user").related_model
    token_user, user_id = rows.column(Token, "user"), rows.column(user_model, "id")
    # The person: the token's, if active (as TokenAuthentication wants). Only the models' own
    # names are interpolated; every value is a bound parameter.
    owner = (
        f"a.{rows.column(Attempt, 'user')} IN (SELECT t.{token_user} FROM {rows.table(Token)} t "  # noqa: S608
        f"INNER JOIN {rows.table(user_model)} u ON u.{user_id} = t.{token_user} "
        f"WHERE t.{rows.column(Token, 'key')} = %s AND u.{rows.column(user_model, 'is_active')})"
    )
    return (
        f"{_write_answer_sql(only_if_open=False, lock=False)} "
        f"AND {_open_attempt_condition(lock=lock, owner=owner)} "
        f"AND {_choices_within(choices)} AND ({kind} = %s OR %s)"
    )


def write_answer_with_token(*, token_key: str, attempt_pk: int, item_pk: int, chosen: list[int], now: datetime,
                            open_since: datetime, lock: bool = False) -> bool:
    """Write the answer in one statement, if the token is an active person's, the attempt theirs
    and open with its deadline at or after `open_since` (with `lock`, under a share lock on its
    row, as write_answer), the item the attempt's, every choice the item's and, unless it is a
    multiple-choice question, one at most. False when nothing was written (any of that failed)."""
    params = [
        rows.param(AttemptQuestion, "selected", chosen), rows.param(AttemptQuestion, "answered_at", now), item_pk,
        attempt_pk, AttemptStatus.OPEN.value, rows.param(Attempt, "deadline", open_since), token_key,
        _chosen_ids(chosen), QuestionType.MULTIPLE.value, len(chosen) <= 1,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_write_answer_with_token_sql(lock=lock), params)
        return cursor.rowcount == 1


# --- Grading -----------------------------------------------------------------------------------

@cache
def _attempt_with_quiz_sql(*, owned: bool, lock: bool) -> str:
    owner = f" AND a.{rows.column(Attempt, 'user')} = %s" if owned else ""
    locking = " FOR UPDATE OF a" if lock else ""
    return (
        f"SELECT {rows.columns(Attempt, 'a').sql}, {rows.columns(Quiz, 'q').sql} "  # noqa: S608
        f"FROM {rows.table(Attempt)} a INNER JOIN {rows.table(Quiz)} q "
        f"ON q.{rows.column(Quiz, 'id')} = a.{rows.column(Attempt, 'quiz')} "
        f"WHERE a.{rows.column(Attempt, 'id')} = %s{owner}{locking}"
    )


def attempt_with_quiz(attempt_pk: int, *, owner_pk: int | None = None, lock: bool = False) -> Attempt | None:
    """The attempt with its quiz (if it is `owner_pk`'s, when given); with `lock`, its row (not
    the quiz's) locked until the transaction ends."""
    params = [attempt_pk] if owner_pk is None else [attempt_pk, owner_pk]
    with connection.cursor() as cursor:
        cursor.execute(_attempt_with_quiz_sql(owned=owner_pk is not None, lock=lock), params)
        row = cursor.fetchone()
    if row is None:
        return None
    attempt_columns = rows.columns(Attempt, "a")
    split = len(attempt_columns.attnames)
    attempt = attempt_columns.instance(row[:split])
    Attempt.quiz.field.set_cached_value(attempt, rows.columns(Quiz, "q").instance(row[split:]))
    return attempt


@cache
def _items_sql() -> str:
    return (
        f"SELECT {rows.columns(AttemptQuestion, 'i').sql} FROM {rows.table(AttemptQuestion)} i "  # noqa: S608
        f"WHERE i.{rows.column(AttemptQuestion, 'attempt')} = %s ORDER BY i.{rows.column(AttemptQuestion, 'position')}"
    )


def attempt_items(attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's items in order, each knowing its attempt (no query to reach it)."""
    with connection.cursor() as cursor:
        cursor.execute(_items_sql(), [attempt.pk])
        found = cursor.fetchall()
    item_columns = rows.columns(AttemptQuestion, "i")
    items = [item_columns.instance(row) for row in found]
    for item in items:
        AttemptQuestion.attempt.field.set_cached_value(item, attempt)
    return items


def grade_items(attempt: Attempt, right: list[int]) -> None:
    """Mark the attempt's items `right` correct and every other one wrong, in one statement."""
    table, pk = rows.table(AttemptQuestion), rows.column(AttemptQuestion, "id")
    flag = rows.column(AttemptQuestion, "is_correct")
    if right:
        # The list is padded to a power of two (repeating an id changes nothing), so that this
        # statement has a handful of shapes, each prepared once on PostgreSQL, not one per score.
        padded = right + right[-1:] * ((1 << (len(right) - 1).bit_length()) - len(right))
        value = f"CASE WHEN {pk} IN ({', '.join(['%s'] * len(padded))}) THEN %s ELSE %s END"
        params = [*padded, True, False]
    else:
        value, params = "%s", [False]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {flag} = {value} WHERE {rows.column(AttemptQuestion, 'attempt')} = %s",  # noqa: S608
            [*params, attempt.pk],
        )
