"""The benchmark's load generator writes what the grading signal would have written: standings
whose counters (rank buckets, unit and contest standings) agree with them, ranks that match a
brute-force ranking, and a round that closes normally."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from contests.closing import round_close
from contests.models import ContestStanding, Prediction, RankBucket, Standing, UnitStanding
from contests.standings import PROVISIONAL_ORDER, provisional_rank
from quizzes.models import Attempt
from tests.contests.helpers import make_round

pytestmark = pytest.mark.django_db


def test_it_adds_participants_whose_counters_agree_with_their_standings(village, commune):
    round_ = make_round(questions=4)
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", "120")
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", "80")
    standings = Standing.objects.filter(round=round_)
    assert standings.count() == 200
    assert Attempt.objects.filter(quiz=round_.quiz, status="submitted").count() == 200
    assert Prediction.objects.count() == standings.exclude(prediction=None).count()
    assert RankBucket.objects.filter(round=round_).aggregate(n=Sum("count"))["n"] == 200
    per_unit = dict(standings.values_list("unit_id").annotate(n=Count("pk")))
    assert dict(UnitStanding.objects.filter(round=round_).values_list("unit_id", "participants")) == per_unit
    assert ContestStanding.objects.filter(contest=round_.contest).count() == 200
    ordered = list(standings.order_by(*PROVISIONAL_ORDER))
    for expected, standing in list(enumerate(ordered, start=1))[::17]:
        assert provisional_rank(standing) == expected


def test_the_generated_round_closes_with_every_rank_given(village):
    round_ = make_round(questions=4)
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", "60")
    round_close(round_=round_, now=round_.closes_at + timedelta(minutes=5))
    ranks = sorted(Standing.objects.filter(round=round_).values_list("final_rank", flat=True))
    assert ranks == list(range(1, 61))


def test_an_unknown_round_is_refused():
    with pytest.raises(CommandError, match="No round"):
        call_command("generate_contest_load", "--round", "424242", "--attempts", "5")
