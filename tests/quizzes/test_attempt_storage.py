"""How attempt items are stored so that saving and grading stay cheap: no index holds what they
write, and on PostgreSQL (make test-pg) the items' pages keep room so those updates happen in
place (HOT), touching no index; the control shows what full pages do instead."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import User
from quizzes.models import AttemptQuestion
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start

pytestmark = pytest.mark.django_db


def test_no_index_holds_what_saving_and_grading_write():
    # Saving writes the answer and grading the verdict on every item of an attempt at once: an
    # index on any of them turns each write into page writes spread over the index and, on
    # PostgreSQL, forbids the in-page (HOT) updates.
    written = {AttemptQuestion._meta.get_field(name).column for name in ("selected", "answered_at", "is_correct")}
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AttemptQuestion._meta.db_table)
    indexed = {name: set(info["columns"]) & written for name, info in constraints.items() if info["index"]}
    assert {name: columns for name, columns in indexed.items() if columns} == {}


def _items_updated_in_place(quiz, people) -> tuple[int, int]:
    """Start an attempt for each person, then answer and submit the first one's: how many item
    updates this transaction made, and how many of them in place (HOT)."""
    def counts() -> tuple[int, int]:
        # This transaction's counts so far (the suite may run several tests in one).
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                           [AttemptQuestion._meta.db_table])
            return cursor.fetchone()

    with connection.cursor() as cursor:
        # An empty table, its rows in fresh pages (earlier tests' rolled-back rows leave room).
        cursor.execute(f"TRUNCATE {AttemptQuestion._meta.db_table}")
    attempts = [start(quiz, person) for person in people]
    first = attempts[0]
    before = counts()
    for item in first.items.order_by("position"):
        attempt_save_answer(attempt=first, item_id=item.pk, choice_ids=correct_ids(item))
    attempt_submit(attempt=first)
    after = counts()
    return after[0] - before[0], after[1] - before[1]


def _with_41_attempts(person) -> list:
    """The person and 40 others: enough attempts that the first one's items fill their pages."""
    return [person, *User.objects.bulk_create([User(phone=f"06{n:08d}", full_name=f"Người {n}", password="!")
                                               for n in range(40)])]


@pytest.mark.postgres
def test_answers_update_attempt_items_in_place(staff_a):
    # The items are written at start and updated soon after: migration 0006 leaves room in their
    # pages, so PostgreSQL rewrites them in place (HOT), touching none of the table's indexes.
    # Here all 40 updates share one transaction, so the old versions cannot be pruned and the
    # room runs out after about 20; in production each save commits, and the room is reused.
    updates, in_place = _items_updated_in_place(make_quiz_with_questions(20), _with_41_attempts(staff_a))
    assert updates == 40  # 20 answers, then the grade of each of the 20 items
    assert in_place >= 20


@pytest.mark.postgres
def test_without_room_in_the_pages_the_same_updates_move_rows(staff_a):
    # The control: pages filled to the brim, as PostgreSQL fills them by default.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {AttemptQuestion._meta.db_table} SET (fillfactor = 100)")
    updates, in_place = _items_updated_in_place(make_quiz_with_questions(20), _with_41_attempts(staff_a))
    assert updates == 40
    assert in_place < 5
