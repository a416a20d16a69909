"""Races of the attempt services under real parallel requests (threads against live_server, on
PostgreSQL). Each guarded test has a control that removes the locks (guards_off: the services'
locking helper replaced by one that locks nothing) and shows the race happening, so the guarded
test could fail if the guard were missing.

A race needs the requests to overlap; a barrier lines them up, and each control repeats the race
a few times and asserts it showed at least once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt, AttemptQuestion, AttemptStatus
from tests.concurrency.conftest import call, in_parallel, token_for
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIES = 8


def _start_twice(live_server, user) -> tuple[Attempt, list]:
    quiz = make_quiz_with_questions(10, attempts_allowed=None)
    url = f"{live_server.url}/api/quizzes/{quiz.pk}/attempts/"
    token = token_for(user)
    replies = in_parallel(lambda: call(url, token=token), lambda: call(url, token=token))
    return quiz, replies


# --- Two simultaneous starts ------------------------------------------------------------------


def test_two_simultaneous_starts_make_one_attempt(live_server, staff_a, start_collisions):
    for _ in range(3):
        quiz, replies = _start_twice(live_server, staff_a)
        assert sorted(r.status for r in replies) == [200, 201]
        assert replies[0].body["id"] == replies[1].body["id"]
        assert Attempt.objects.filter(quiz=quiz, user=staff_a).count() == 1
    # The person's row locked while starting: the second start waits and finds the first's attempt.
    assert start_collisions == []


def test_control_without_guards_two_starts_collide(live_server, staff_a, guards_off, start_collisions):
    for _ in range(TRIES):
        quiz, replies = _start_twice(live_server, staff_a)
        # Still one attempt, both answered with it: the unique index of open attempts is the last
        # guard. But unlocked, both requests found no open attempt and both inserted one.
        assert all(r.status in (200, 201) for r in replies)
        assert Attempt.objects.filter(quiz=quiz, user=staff_a).count() == 1
    assert len(start_collisions) >= 1


# --- Two simultaneous submits -------------------------------------------------------------------


def _submit_twice(live_server, user, keys=("k-1", "k-1")) -> tuple[Attempt, list]:
    quiz = make_quiz_with_questions(10)
    attempt = start(quiz, user)
    url = f"{live_server.url}/api/attempts/{attempt.pk}/submit/"
    token = token_for(user)
    replies = in_parallel(*[
        (lambda key=key: call(url, token=token, headers={"Idempotency-Key": key})) for key in keys
    ])
    return attempt, replies


@pytest.mark.parametrize("keys", [("k-1", "k-1"), ("tab-1", "tab-2")])
def test_two_simultaneous_submits_grade_once(live_server, staff_a, gradings, keys):
    for _ in range(3):
        attempt, replies = _submit_twice(live_server, staff_a, keys)
        assert [r.status for r in replies] == [200, 200]
        assert replies[0].body == replies[1].body
        assert gradings.count(attempt.pk) == 1


def test_control_without_guards_two_submits_grade_twice(live_server, staff_a, gradings, guards_off):
    twice = 0
    for _ in range(TRIES):
        attempt, _replies = _submit_twice(live_server, staff_a)
        twice += gradings.count(attempt.pk) > 1
    assert twice >= 1


# --- Answers after the deadline and grace -------------------------------------------------------


def _late_answers(live_server, user, settings, n: int = 4) -> tuple[Attempt, list]:
    settings.ATTEMPT_GRACE_SECONDS = 60
    quiz = make_quiz_with_questions(n)
    attempt = start(quiz, user, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + 61))
    url = f"{live_server.url}/api/attempts/{attempt.pk}/answers/"
    token = token_for(user)
    items = list(attempt.items.all())
    replies = in_parallel(*[
        (lambda item=item: call(url, token=token, body={"item": item.pk, "choices": correct_ids(item)}))
        for item in items
    ])
    return attempt, replies


def test_answers_after_the_grace_period_are_rejected_and_the_attempt_closes_once(
        live_server, staff_a, settings, gradings):
    for _ in range(3):
        attempt, replies = _late_answers(live_server, staff_a, settings)
        assert [r.status for r in replies] == [409] * 4
        assert {r.body["code"] for r in replies} == {"attempt_closed"}
        assert not AttemptQuestion.objects.filter(attempt=attempt).exclude(selected=[]).exists()
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.EXPIRED
        assert attempt.score == 0
        assert gradings.count(attempt.pk) == 1


def test_control_without_guards_late_answers_close_the_attempt_several_times(
        live_server, staff_a, settings, gradings, guards_off):
    repeated = 0
    for _ in range(TRIES):
        attempt, replies = _late_answers(live_server, staff_a, settings)
        # Still refused (the deadline check needs no lock), but each request closes and grades
        # the attempt again: a contest's standing would count it twice.
        assert {r.status for r in replies} == {409}
        repeated += gradings.count(attempt.pk) > 1
    assert repeated >= 1


# --- An answer racing the submit ----------------------------------------------------------------


def _answer_while_submitting(live_server, user) -> tuple[Attempt, list]:
    quiz = make_quiz_with_questions(20)
    attempt = start(quiz, user)
    token = token_for(user)
    items = list(attempt.items.all())
    base = f"{live_server.url}/api/attempts/{attempt.pk}"
    replies = in_parallel(
        *[(lambda item=item: call(f"{base}/answers/", token=token, body={"item": item.pk,
                                                                         "choices": correct_ids(item)}))
          for item in items[:3]],
        lambda: call(f"{base}/submit/", token=token, headers={"Idempotency-Key": "k"}),
    )
    return attempt, replies


def _acknowledged_but_ungraded(attempt: Attempt, replies) -> list[int]:
    """Items whose answer the server acknowledged (200) but whose stored grade disagrees with it."""
    acknowledged = {r.body["item"] for r in replies[:-1] if r.status == 200}
    items = AttemptQuestion.objects.filter(attempt=attempt, pk__in=acknowledged)
    return [item.pk for item in items if item.is_correct is not item.grade()]


def test_an_answer_racing_the_submit_is_either_graded_or_refused(live_server, staff_a):
    for _ in range(3):
        attempt, replies = _answer_while_submitting(live_server, staff_a)
        assert {r.status for r in replies[:-1]} <= {200, 409}
        assert replies[-1].status == 200
        assert _acknowledged_but_ungraded(attempt, replies) == []
        attempt.refresh_from_db()
        assert attempt.score == AttemptQuestion.objects.filter(attempt=attempt, is_correct=True).count()
        assert replies[-1].body["score"] == attempt.score


def test_control_without_guards_an_acknowledged_answer_can_miss_the_grading(live_server, staff_a, guards_off):
    lost = 0
    for _ in range(TRIES):
        attempt, replies = _answer_while_submitting(live_server, staff_a)
        lost += bool(_acknowledged_but_ungraded(attempt, replies))
    assert lost >= 1
