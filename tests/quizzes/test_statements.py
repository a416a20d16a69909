"""The hand-written statements of saving and grading (quizzes/services/statements.py, through
accounts/rows.py) load exactly what the ORM loads: every field, converted the same way, on
SQLite and on PostgreSQL (make test-pg)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, QuestionType
from quizzes.services import statements
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from tests.quizzes.attempt_factories import correct_ids, make_question, make_quiz, make_quiz_with_questions, start

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.fixture
def graded(staff_a) -> Attempt:
    attempt = start(make_quiz_with_questions(3), staff_a)
    first = attempt.items.order_by("position").first()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first))
    return attempt_submit(attempt=attempt)


def test_the_attempt_and_its_quiz_are_the_orms(graded, staff_a):
    loaded = statements.attempt_with_quiz(graded.pk)
    from_orm = Attempt.objects.select_related("quiz").get(pk=graded.pk)
    assert _fields(loaded) == _fields(from_orm)
    assert _fields(loaded.quiz) == _fields(from_orm.quiz)
    assert loaded.get_deferred_fields() == set() and loaded.quiz.get_deferred_fields() == set()
    # A decimal stays a Decimal, a datetime is aware, a boolean a bool (SQLite stores 1 and 0).
    assert type(loaded.score_percent).__name__ == "Decimal"
    assert loaded.submitted_at.tzinfo is not None and loaded.passed in (True, False)


def test_the_attempt_is_found_only_for_its_owner(graded, staff_a, staff_b):
    assert statements.attempt_with_quiz(graded.pk, owner_pk=staff_a.pk).pk == graded.pk
    assert statements.attempt_with_quiz(graded.pk, owner_pk=staff_b.pk) is None
    assert statements.attempt_with_quiz(graded.pk + 1000) is None


def test_the_items_are_the_orms_in_order_and_know_their_attempt(graded, django_assert_num_queries):
    items = statements.attempt_items(graded)
    from_orm = list(AttemptQuestion.objects.filter(attempt=graded).order_by("position"))
    assert [_fields(item) for item in items] == [_fields(item) for item in from_orm]
    assert [item.is_correct for item in items] == [True, False, False]
    with django_assert_num_queries(0):
        assert all(item.attempt is graded for item in items)


def test_grading_marks_the_right_items_and_every_other_one_wrong(staff_a):
    attempt = start(make_quiz_with_questions(3), staff_a)
    first, second, third = attempt.items.order_by("position")
    statements.grade_items(attempt, [first.pk, third.pk])
    assert list(attempt.items.order_by("position").values_list("is_correct", flat=True)) == [True, False, True]
    statements.grade_items(attempt, [])
    assert list(attempt.items.values_list("is_correct", flat=True)) == [False, False, False]


def test_grading_has_one_statement_shape_per_power_of_two_of_right_answers(staff_a):
    # So that PostgreSQL prepares each shape once instead of planning one per score.
    attempt = start(make_quiz_with_questions(8), staff_a)
    ids = list(attempt.items.order_by("position").values_list("pk", flat=True))
    shapes = {}
    for right in range(1, 9):
        with CaptureQueriesContext(connection) as captured:
            statements.grade_items(attempt, ids[:right])
        shapes[right] = _placeholders(captured)
        graded = list(attempt.items.order_by("position").values_list("is_correct", flat=True))
        assert graded == [True] * right + [False] * (8 - right)
    assert shapes == {1: 1, 2: 2, 3: 4, 4: 4, 5: 8, 6: 8, 7: 8, 8: 8}


def _placeholders(captured) -> int:
    """How many ids the grading statement's IN list holds."""
    sql = captured.captured_queries[0]["sql"]
    return sql[sql.index(" IN (") :].split(")")[0].count(",") + 1


def test_an_item_is_answerable_only_while_its_attempt_is_open_and_in_time(staff_a, staff_b):
    attempt = start(make_quiz_with_questions(2), staff_a)
    item = attempt.items.order_by("position").first()
    now = timezone.now()
    where = {"attempt_pk": attempt.pk, "item_pk": item.pk}
    found = statements.answerable_item(**where, owner_pk=staff_a.pk, open_since=now)
    assert (found.pk, found.position, found.type, found.choices) == (item.pk, item.position, item.type, item.choices)
    assert statements.answerable_item(**where, owner_pk=staff_b.pk, open_since=now) is None
    too_late = attempt.deadline + timedelta(seconds=1)
    assert statements.answerable_item(**where, owner_pk=None, open_since=too_late) is None
    assert statements.answerable_item(attempt_pk=attempt.pk + 1, item_pk=item.pk, owner_pk=None, open_since=now) is None


def test_an_answer_is_written_only_while_the_attempt_is_open_when_asked(staff_a):
    attempt = start(make_quiz_with_questions(2), staff_a)
    item = attempt.items.order_by("position").first()
    now = timezone.now()
    assert not statements.write_answer(item, [1], now, open_since=attempt.deadline + timedelta(seconds=1))
    item.refresh_from_db()
    assert item.selected == [] and item.answered_at is None
    assert statements.write_answer(item, correct_ids(item), now, open_since=now)
    item.refresh_from_db()
    assert (item.selected, item.answered_at) == (correct_ids(item), now)


def test_an_answer_is_written_with_a_token_only_when_all_is_in_order(staff_a, staff_b):
    quiz = make_quiz_with_questions(2)
    attempt, foreign_attempt = start(quiz, staff_a), start(quiz, staff_b)
    first, second = attempt.items.order_by("position")
    foreign = foreign_attempt.items.order_by("position").first()
    key, foreign_key = Token.objects.create(user=staff_a).key, Token.objects.create(user=staff_b).key
    now = timezone.now()
    ids, right = [choice["id"] for choice in first.choices], correct_ids(first)

    def write(item=first, chosen=right, token=key, attempt_pk=attempt.pk, open_since=now) -> bool:
        return statements.write_answer_with_token(token_key=token, attempt_pk=attempt_pk, item_pk=item.pk,
                                                  chosen=chosen, now=now, open_since=open_since)

    # Each of these writes nothing.
    assert not write(token="x" * 40)  # an unknown token
    assert not write(token=foreign_key)  # another person's token: not their attempt
    assert not write(item=foreign)  # an item of another attempt
    assert not write(item=foreign, attempt_pk=foreign_attempt.pk)  # another person's attempt
    assert not write(chosen=correct_ids(second))  # a choice of another question
    assert not write(chosen=[ids[0], correct_ids(second)[0]])  # one of the item's, one not
    assert not write(chosen=ids[:2])  # two choices for a single-choice question
    assert not write(open_since=attempt.deadline + timedelta(seconds=1))  # past the deadline and grace
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    assert not write()  # an inactive person's token
    assert [(i.selected, i.answered_at) for i in AttemptQuestion.objects.order_by("pk")] == [([], None)] * 4

    staff_a.is_active = True
    staff_a.save(update_fields=["is_active"])
    assert write()
    first.refresh_from_db()
    assert (first.selected, first.answered_at) == (right, now)
    assert write(chosen=[])  # clearing the answer
    first.refresh_from_db()
    assert first.selected == []
    Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.SUBMITTED)
    assert not write()  # a closed attempt
    first.refresh_from_db()
    assert first.selected == []


def test_several_choices_are_written_with_a_token_for_a_multiple_choice_question(staff_a):
    question = make_question(type=QuestionType.MULTIPLE)
    attempt = start(make_quiz(questions=[question]), staff_a)
    item = attempt.items.get()
    key = Token.objects.create(user=staff_a).key
    now = timezone.now()
    chosen = [choice["id"] for choice in item.choices][:3]
    assert statements.write_answer_with_token(token_key=key, attempt_pk=attempt.pk, item_pk=item.pk, chosen=chosen,
                                              now=now, open_since=now)
    item.refresh_from_db()
    assert item.selected == chosen


def test_no_index_holds_what_saving_and_grading_write():
    # Saving writes the answer and grading the verdict on every item of an attempt at once: an
    # index on any of them turns each write into page writes spread over the index (on SQLite an
    # index on (question, is_correct) was about 40 of a submit's 54 pages) and, on PostgreSQL,
    # forbids the in-page (HOT) updates.
    written = {AttemptQuestion._meta.get_field(name).column for name in ("selected", "answered_at", "is_correct")}
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AttemptQuestion._meta.db_table)
    indexed = {name: set(info["columns"]) & written for name, info in constraints.items() if info["index"]}
    assert {name: columns for name, columns in indexed.items() if columns} == {}


@pytest.mark.postgres
def test_a_save_reaches_its_attempt_by_key_even_when_statistics_lag(staff_a):
    # Thousands of attempts just started, not yet analysed: PostgreSQL then costs the open-attempt
    # index (status, deadline) the same as the key, and given the choice once read every open
    # attempt for each save. The save's statements leave it no such choice.
    attempt = start(make_quiz_with_questions(2), staff_a)
    item = attempt.items.order_by("position").first()
    others = User.objects.bulk_create([User(phone=f"07{n:08d}", full_name=f"Người {n}", password="!")
                                       for n in range(3000)])
    Attempt.objects.bulk_create([Attempt(quiz=attempt.quiz, user=person, deadline=attempt.deadline)
                                 for person in others])
    now = timezone.now()
    read = (statements._answerable_item_sql(owned=True, lock=False), [item.pk, attempt.pk, staff_a.pk])
    write = (statements._write_answer_sql(only_if_open=True, lock=True),
             ["[]", now, item.pk, attempt.pk, "open", now - timedelta(minutes=1)])
    write_with_token = (statements._write_answer_with_token_sql(lock=True),
                        ["[]", now, item.pk, attempt.pk, "open", now - timedelta(minutes=1), "x" * 40, "[]",
                         "multiple", True])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for sql, params in (read, write, write_with_token):
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "attempt_overdue_idx" not in plan and "quizzes_attempt_pkey" in plan, plan


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


@pytest.mark.postgres
def test_answers_update_attempt_items_in_place(staff_a):
    # The items are written at start and updated soon after: the migration leaves room in their
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


def _with_41_attempts(person) -> list:
    """The person and 40 others: enough attempts that the first one's items fill their pages."""
    return [person, *User.objects.bulk_create([User(phone=f"06{n:08d}", full_name=f"Người {n}", password="!")
                                               for n in range(40)])]
