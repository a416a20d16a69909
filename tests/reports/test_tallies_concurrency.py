"""Updates of the tallies at the same moment (cron runs that overlap, or a run by hand during one),
in threads on PostgreSQL, where their transactions really overlap: each replaces the days it
recounts after the other, under the lock of the TallyUpdate row, so no attempt is counted twice."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from accounts.roles import Role
from quizzes.services.attempts import attempt_submit
from reports import tallies
from reports.models import AnswerTally, AttemptTally
from reports.tallies import tallies_update
from tests.concurrency.conftest import in_parallel
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UPDATES = 3


def _rows() -> list[set]:
    return [set(AttemptTally.objects.values_list("day", "unit_id", "quiz_id", "is_staff_member", "attempts")),
            set(AnswerTally.objects.values_list("day", "unit_id", "quiz_id", "question_id", "answers", "correct"))]


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "control-without-the-lock"])
def test_simultaneous_updates_count_each_attempt_once(unit_a, monkeypatch, locked):
    quiz = make_quiz_with_questions(5, attempts_allowed=None)
    moment = timezone.make_aware(datetime(2025, 3, 10, 9))
    for _ in range(4):
        attempt_submit(attempt=start(quiz, make_user(role=Role.STAFF, unit=unit_a), now=moment), now=moment)
    tallies_update(everything=True)
    expected = _rows()
    AttemptTally.objects.update(attempts=99)  # so that a lost replacement would show

    # The updates take the lock together, each having counted: their transactions overlap.
    together = threading.Barrier(UPDATES, timeout=10)
    real = tallies._lock

    def lock_together() -> None:
        together.wait()
        if locked:
            real()

    monkeypatch.setattr(tallies, "_lock", lock_together)

    def update() -> None:
        try:
            tallies_update(everything=True)
        finally:
            connection.close()  # the thread's own connection: the test database is dropped at the end

    if not locked:
        # The control: a day's rows deleted by two updates at once, then written by both (the
        # unique attempt tally refuses the second, or the answers are there twice).
        with pytest.raises(IntegrityError):
            in_parallel(*[update] * UPDATES)
        return
    in_parallel(*[update] * UPDATES)
    assert _rows() == expected
    assert sum(AttemptTally.objects.values_list("attempts", flat=True)) == 4
