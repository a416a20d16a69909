"""The contest-round submit (the round_submit page's POST: prediction, grading, standing) runs a
fixed, small number of SQL statements, whatever the number of participants and rounds."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from contests.models import ContestStanding, RankBucket, Standing, UnitStanding
from quizzes.models import Attempt
from tests.contests.helpers import make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUESTIONS = 10
# Session and user (2); the person's attempt with its quiz, round and prediction if any (1); the
# prediction (1); the engine's grading: the attempt locked, its items, their grades, the attempt
# (4); contests' attempt_finished receiver: the round, the person's standings in the contest
# (locked), the new standing, its rank bucket, the unit's counter, the person's overall row (6);
# training's receiver, looking up the quiz's module (1).
STATEMENTS = 15
# Besides those: the grading transaction's BEGIN and COMMIT (in a test, a savepoint and its release).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture
def running_round(village):
    """A round others of the village have taken, finishing in each of the first few seconds with
    every answer right: the rank buckets and the unit's counter the next submit bumps exist."""
    round_ = make_round(questions=QUESTIONS)
    for second in range(6):
        take(round_, make_user(role=Role.RESIDENT, unit=village), correct=QUESTIONS, seconds=second + 0.2)
    return round_


def test_a_round_submit_runs_a_fixed_number_of_statements(village, running_round):
    person = make_user(role=Role.RESIDENT, unit=village)
    client = Client()
    client.force_login(person, backend="accounts.backends.PhoneOrEmailBackend")
    client.post(reverse("contests:round_start", args=[running_round.contest.slug, running_round.number]))
    attempt = Attempt.objects.get(user=person)
    for item in attempt.items.all():
        item.selected = [c["id"] for c in item.choices if c["correct"]]
        item.save()
    buckets = RankBucket.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": "25", "key": "k"})
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(statements) == STATEMENTS, "\n".join(statements)
    assert len(captured.captured_queries) == STATEMENTS + 2
    assert response.url == reverse("contests:round_result", args=[attempt.pk])
    standing = Standing.objects.get(user=person)
    assert (standing.score, standing.prediction) == (QUESTIONS, 25)
    assert RankBucket.objects.count() == buckets  # an existing bucket was bumped
    assert UnitStanding.objects.get(unit=village).participants == 7
    assert ContestStanding.objects.get(user=person).total_score == QUESTIONS
