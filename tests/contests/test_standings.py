"""Standings kept by the attempt_finished signal: one row per person per round, the counted
attempt by the quiz's scoring rule, unit and overall counters in step."""

from datetime import timedelta

import pytest

from accounts.roles import Role, assign_role
from contests.models import ContestStanding, RankBucket, Standing, UnitStanding
from contests.services import attempt_submit_with_prediction, round_enter
from contests.standings import provisional_rank
from tests.contests.helpers import NOW, make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_highest_score_counts_across_several_attempts(resident, village):
    round_ = make_round(questions=3, attempts_allowed=None)
    take(round_, resident, correct=1, seconds=30, prediction=10)
    best = take(round_, resident, correct=3, seconds=50, prediction=20, started=NOW + timedelta(minutes=5))
    take(round_, resident, correct=2, seconds=10, prediction=30, started=NOW + timedelta(minutes=10))
    standing = Standing.objects.get()
    assert (standing.attempt_id, standing.score, standing.prediction, standing.attempts_count) == (best.pk, 3, 20, 3)
    unit = UnitStanding.objects.get(unit=village)
    assert (unit.participants, unit.score_sum) == (1, 3)
    overall = ContestStanding.objects.get()
    assert (overall.rounds, overall.total_score, overall.total_duration_ms) == (1, 3, 50_000)
    assert sum(RankBucket.objects.values_list("count", flat=True)) == 1


def test_the_last_attempt_counts_when_the_quiz_says_so(resident):
    round_ = make_round(questions=3, attempts_allowed=None, scoring_rule="last")
    take(round_, resident, correct=3, seconds=30)
    take(round_, resident, correct=1, seconds=30, started=NOW + timedelta(minutes=5))
    assert Standing.objects.get().score == 1
    assert UnitStanding.objects.get().score_sum == 1


def test_provisional_rank_is_score_then_time_then_submission(village):
    round_ = make_round(questions=3)
    people = [make_user(role=Role.RESIDENT, unit=village) for _ in range(4)]
    take(round_, people[0], correct=2, seconds=10)
    take(round_, people[1], correct=3, seconds=40)
    take(round_, people[2], correct=3, seconds=40.5, started=NOW - timedelta(minutes=1))
    take(round_, people[3], correct=3, seconds=20)
    ranks = {s.user_id: provisional_rank(s) for s in Standing.objects.all()}
    assert ranks == {people[3].pk: 1, people[1].pk: 2, people[2].pk: 3, people[0].pk: 4}


def test_a_person_s_rank_takes_two_queries(village, django_assert_num_queries):
    round_ = make_round(questions=2)
    for n in range(5):
        take(round_, make_user(role=Role.RESIDENT, unit=village), correct=n % 3, seconds=10 + n)
    standing = Standing.objects.order_by("score", "-duration_ms").first()
    with django_assert_num_queries(2):
        assert provisional_rank(standing) == 5


def test_the_standing_keeps_who_the_person_was_when_the_attempt_started(resident, village, unit_a):
    """Unit and staff-ness come from the attempt (frozen at its start): a move or a new role before
    the submit changes neither the standing nor which unit's table counts the person."""
    round_ = make_round(questions=2)
    attempt = round_enter(round_=round_, user=resident, now=NOW)
    resident.unit = unit_a
    resident.save()
    assign_role(resident, Role.STAFF)
    attempt_submit_with_prediction(attempt=attempt, round_=round_, prediction=5, now=NOW + timedelta(seconds=20))
    standing = Standing.objects.get()
    assert (standing.unit_id, standing.is_staff_member) == (village.pk, False)
    assert list(UnitStanding.objects.values_list("unit_id", "participants")) == [(village.pk, 1)]


def test_a_later_attempt_that_counts_moves_the_person_s_bucket_and_totals(resident):
    round_ = make_round(questions=3, attempts_allowed=None)
    take(round_, resident, correct=1, seconds=30)
    take(round_, resident, correct=3, seconds=12, started=NOW + timedelta(minutes=5))
    assert list(RankBucket.objects.filter(count__gt=0).values_list("score", "duration_s", "count")) == [(3, 12, 1)]
    assert RankBucket.objects.get(score=1).count == 0
    overall = ContestStanding.objects.get()
    assert (overall.rounds, overall.total_score, overall.total_duration_ms) == (1, 3, 12_000)
    assert Standing.objects.get().attempts_count == 2


def test_the_overall_row_adds_the_person_s_rounds(resident):
    first = make_round(questions=2)
    second = make_round(first.contest, questions=2)
    take(first, resident, correct=2, seconds=10)
    take(second, resident, correct=1, seconds=20)
    overall = ContestStanding.objects.get()
    assert (overall.rounds, overall.total_score, overall.total_duration_ms) == (2, 3, 30_000)
