"""Closing a round: the actual figure, final ranks, prizes, snapshot and its hash; idempotent."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from accounts.models import AuditEntry, UnitKind
from accounts.roles import Role
from contests.closing import round_close
from contests.errors import RoundNotEnded
from contests.models import Prize, PrizeCategory, PrizeKind, Standing
from tests.contests.helpers import make_contest, make_round, take
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def _after(round_):
    return round_.closes_at + timedelta(minutes=5)


def test_closing_twice_gives_the_same_ranks_and_the_same_hash(village, organiser):
    round_ = make_round()
    for n in range(4):
        take(round_, make_user(role=Role.RESIDENT, unit=village, full_name=f"Lê Thị Hoa{n}"), correct=n % 4,
             seconds=20 + n, prediction=n)
    first = round_close(round_=round_, actor=organiser, now=_after(round_))
    ranks = list(Standing.objects.order_by("pk").values_list("final_rank", flat=True))
    content = default_storage.open(first.snapshot_name).read()
    assert hashlib.sha256(content).hexdigest() == first.snapshot_sha256
    second = round_close(round_=round_, actor=organiser, now=_after(round_) + timedelta(hours=1))
    assert second.snapshot_sha256 == first.snapshot_sha256
    assert second.closed_at == first.closed_at
    assert list(Standing.objects.order_by("pk").values_list("final_rank", flat=True)) == ranks
    assert sorted(ranks) == [1, 2, 3, 4]
    assert AuditEntry.objects.filter(action__startswith="contest.round_").count() == 2


def test_the_snapshot_masks_names_and_shows_only_consenting_people(village):
    round_ = make_round()
    shown = make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn An", show_on_leaderboard=True)
    hidden = make_user(role=Role.RESIDENT, unit=village, full_name="Trần Thị Bình", phone="0911222333")
    take(round_, shown, correct=3, seconds=10)
    take(round_, hidden, correct=2, seconds=10)
    round_ = round_close(round_=round_, now=_after(round_))
    text = default_storage.open(round_.snapshot_name).read().decode()
    assert "Nguyễn V. A" in text
    assert f"Người dự thi #{hidden.pk}" in text
    assert "Trần" not in text and "0911222333" not in text and "Nguyễn Văn An" not in text
    assert "# actual_figure,2" in text


def test_a_round_cannot_be_closed_before_it_ends():
    round_ = make_round()
    with pytest.raises(RoundNotEnded):
        round_close(round_=round_)
    round_.refresh_from_db()
    assert round_.closed_at is None and not round_.snapshot_sha256


def test_organisers_and_organising_units_are_left_out_of_individual_prizes(commune, village, organiser):
    contest = make_contest(individual_prizes=2, unit_prizes=0)
    organising = make_unit("Phòng Văn hóa", kind=UnitKind.DEPARTMENT, parent=commune)
    contest.organising_units.add(organising)
    round_ = make_round(contest)
    insider = make_user(role=Role.STAFF, unit=organising)
    first, second = (make_user(role=Role.RESIDENT, unit=village) for _ in range(2))
    take(round_, organiser, correct=3, seconds=5)
    take(round_, insider, correct=3, seconds=6)
    take(round_, first, correct=3, seconds=7)
    take(round_, second, correct=2, seconds=7)
    # Three perfect scores in seconds are flagged; this test is about who may win, not the flags.
    round_close(round_=round_, now=_after(round_), override_reason="Đã xác minh")
    winners = list(Prize.objects.filter(kind=PrizeKind.INDIVIDUAL).order_by("place")
                   .values_list("standing__user", flat=True))
    assert winners == [first.pk, second.pk]
    # Excluded from prizes, not from the ranking.
    assert Standing.objects.get(user=organiser).final_rank == 1


def test_split_prizes_pick_staff_and_residents_separately(unit_a, village):
    contest = make_contest(split_prizes=True, staff_prizes=1, resident_prizes=1, unit_prizes=0,
                           exclude_organisers_from_prizes=False)
    round_ = make_round(contest)
    staff = [make_user(role=Role.STAFF, unit=unit_a) for _ in range(2)]
    resident = make_user(role=Role.RESIDENT, unit=village)
    take(round_, staff[0], correct=3, seconds=5)
    take(round_, staff[1], correct=3, seconds=6)
    take(round_, resident, correct=1, seconds=9)
    round_close(round_=round_, now=_after(round_), override_reason="Đã xác minh")  # two fast perfect scores
    prizes = {(p.category, p.place): p.standing.user_id for p in Prize.objects.select_related("standing")}
    assert prizes == {(PrizeCategory.STAFF, 1): staff[0].pk, (PrizeCategory.RESIDENTS, 1): resident.pk}


def test_unit_prizes_rank_by_participation_then_mean_and_drop_units_under_the_threshold(commune):
    contest = make_contest(individual_prizes=0, unit_prizes=3, unit_min_participation_percent=50)
    round_ = make_round(contest)
    high = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune, headcount=2)
    tie_better = make_unit("Thôn Ba", kind=UnitKind.VILLAGE, parent=commune, headcount=4)
    tie_worse = make_unit("Thôn Bốn", kind=UnitKind.VILLAGE, parent=commune, headcount=4)
    low = make_unit("Thôn Năm", kind=UnitKind.VILLAGE, parent=commune, headcount=10)
    for unit, scores in [(high, [1, 1]), (tie_better, [3, 3]), (tie_worse, [2, 2]), (low, [3, 3, 3, 3])]:
        for score in scores:
            take(round_, make_user(role=Role.RESIDENT, unit=unit), correct=score, seconds=10)
    # Equal answers at equal moments are flagged; unit prizes do not depend on flags.
    round_close(round_=round_, now=_after(round_), override_reason="Đã xác minh")
    prizes = list(Prize.objects.filter(kind=PrizeKind.UNIT).order_by("place"))
    # 100% first; then two units at 50% ordered by mean score; 40% is under the threshold.
    assert [p.unit_id for p in prizes] == [high.pk, tie_better.pk, tie_worse.pk]
    assert [str(p.mean_score) for p in prizes] == ["1.00", "3.00", "2.00"]


def test_the_command_closes_a_round_and_prints_the_hash(village, capsys):
    round_ = make_round(make_contest(slug="thu-lenh"))
    take(round_, make_user(role=Role.RESIDENT, unit=village), correct=2, seconds=10)
    round_.opens_at -= timedelta(days=30)
    round_.closes_at -= timedelta(days=20)
    round_.save()
    call_command("close_round", "thu-lenh", str(round_.number))
    round_.refresh_from_db()
    assert round_.snapshot_sha256 in capsys.readouterr().out
    assert round_.actual_figure == 1
