"""The tallies under simultaneous submits (threads against live_server, on PostgreSQL, where the
grading transactions really overlap): people of one unit submitting the same quiz at the same
moment all add to the same tally rows, and none of their answers is lost or counted twice; folds
running at the same moment (report pages read by several organisers) add each attempt once."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.roles import Role
from reports import tallies
from reports.models import AttemptTally, QuestionTally, TallyBacklog, TopicTally
from reports.tallies import tallies_fold, tallies_rebuild
from tests.concurrency.conftest import call, in_parallel, token_for
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 6


def _rows() -> list[set]:
    return [set(AttemptTally.objects.values_list("day", "unit_id", "quiz_id", "attempts")),
            set(TopicTally.objects.values_list("day", "unit_id", "quiz_id", "topic_id", "answers", "correct")),
            set(QuestionTally.objects.values_list("day", "unit_id", "quiz_id", "question_id", "answers", "correct"))]


def _fold_in_a_thread() -> int:
    try:
        return tallies_fold()
    finally:
        connection.close()  # the thread's own connection: the test database is dropped at the end


def test_simultaneous_submits_of_one_unit_add_up_exactly(live_server, unit_a, monkeypatch):
    monkeypatch.setattr(tallies, "FOLD_BATCH", 2)  # several batches, so that the folds interleave
    quiz = make_quiz_with_questions(5, attempts_allowed=None)
    people = [make_user(role=Role.STAFF, unit=unit_a) for _ in range(PEOPLE)]
    attempts = [start(quiz, person) for person in people]
    for attempt in attempts:
        # Everyone answers the first question right; the rest stay unanswered (wrong).
        first = attempt.items.order_by("position").first()
        first.selected = [c["id"] for c in first.choices if c["correct"]]
        first.save(update_fields=["selected"])
    # Tokens made here: a thread that touched the database would leave its connection open.
    tokens = [token_for(person) for person in people]
    replies = in_parallel(*[
        (lambda a=attempt, t=token: call(f"{live_server.url}/api/attempts/{a.pk}/submit/", token=t))
        for attempt, token in zip(attempts, tokens, strict=True)
    ])
    assert [r.status for r in replies] == [200] * PEOPLE
    assert TallyBacklog.objects.count() == PEOPLE
    assert sum(in_parallel(*[_fold_in_a_thread] * 3)) == PEOPLE
    assert AttemptTally.objects.get().attempts == PEOPLE
    assert TopicTally.objects.get().answers == 5 * PEOPLE and TopicTally.objects.get().correct == PEOPLE
    kept = _rows()
    tallies_rebuild()
    assert _rows() == kept
