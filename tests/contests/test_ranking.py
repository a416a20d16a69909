"""The final ranking: score, then prediction error, then time taken, then submission time."""

from datetime import timedelta

import pytest

from accounts.roles import Role
from contests.closing import round_close
from contests.models import PredictionKind, Standing
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _close(round_):
    # People made alike on purpose answer alike: their suspicion flags are not what these tests
    # are about, so the close does not wait for them.
    return round_close(round_=round_, now=round_.closes_at + timedelta(minutes=5),
                       override_reason="Kiểm thử xếp hạng")


def _people(n, village):
    return [make_user(role=Role.RESIDENT, unit=village, full_name=f"Nguyễn Văn Người{i}") for i in range(n)]


def _ranks(round_):
    return {s.user.full_name: s.final_rank for s in Standing.objects.filter(round=round_).select_related("user")}


def test_score_comes_first_then_prediction_error(village):
    round_ = make_round()
    a, b, c = _people(3, village)
    # Three participants: the actual figure is 3.
    take(round_, a, correct=2, seconds=10, prediction=3)
    take(round_, b, correct=3, seconds=90, prediction=1000)
    take(round_, c, correct=2, seconds=5, prediction=10)
    round_ = _close(round_)
    assert round_.actual_figure == 3
    assert _ranks(round_) == {b.full_name: 1, a.full_name: 2, c.full_name: 3}


def test_same_score_and_prediction_the_faster_wins(village):
    round_ = make_round()
    slow, fast = _people(2, village)
    take(round_, slow, correct=3, seconds=40, prediction=2)
    take(round_, fast, correct=3, seconds=30, prediction=2, started=NOW + timedelta(seconds=30))
    assert _ranks(_close(round_)) == {fast.full_name: 1, slow.full_name: 2}


def test_everything_equal_but_submission_time_the_earlier_wins(village):
    round_ = make_round()
    later, earlier = _people(2, village)
    take(round_, later, correct=1, seconds=20, prediction=5, started=NOW + timedelta(minutes=3))
    take(round_, earlier, correct=1, seconds=20, prediction=5, started=NOW)
    round_ = _close(round_)
    assert _ranks(round_) == {earlier.full_name: 1, later.full_name: 2}
    assert Standing.objects.get(user=earlier).prediction_error == 3


def test_the_all_correct_figure_counts_perfect_scores(village):
    round_ = make_round(make_contest(prediction_kind=PredictionKind.ALL_CORRECT))
    a, b, c = _people(3, village)
    take(round_, a, correct=3, seconds=10, prediction=1)
    take(round_, b, correct=3, seconds=20, prediction=2)
    take(round_, c, correct=0, seconds=20, prediction=2)
    round_ = _close(round_)
    assert round_.actual_figure == 2
    # a and b both have every answer right; b guessed the figure exactly, a is one off.
    assert _ranks(round_) == {b.full_name: 1, a.full_name: 2, c.full_name: 3}
