"""Contest data retention (contests/retention.py, `manage.py apply_retention`): a set time after a
contest's prizes were awarded (CONTEST_DATA_RETENTION_MONTHS, default 12), its residents are
anonymised and every attempt forgets its address; standings, prizes and the snapshot stay."""

import hashlib
from datetime import datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AuditEntry, User
from accounts.roles import Role
from contests.closing import round_close
from contests.models import Prize, PrizeKind, Standing
from contests.retention import contest_retention_apply, months_before
from quizzes.models import Attempt
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def contest_awarded(months_ago: int, people):
    """A contest of one round whose prizes were awarded `months_ago` months before NOW."""
    awarded = months_before(NOW, months_ago)
    contest = make_contest(individual_prizes=2, unit_prizes=1, unit_min_participation_percent=0)
    closes = awarded - timedelta(minutes=10)
    round_ = make_round(contest, opens_at=closes - timedelta(days=6), closes_at=closes)
    for n, person in enumerate(people):
        attempt = take(round_, person, correct=3 - n % 3, seconds=30 + n, started=closes - timedelta(days=1))
        Attempt.objects.filter(pk=attempt.pk).update(client_ip="203.0.113.7", client_fingerprint="f" * 64)
    round_close(round_=round_, now=awarded, override_reason="Cờ nghi vấn không phải nội dung của phép thử này")
    return contest


def test_a_contest_awarded_13_months_ago_is_anonymised_and_one_of_11_months_is_not(village):
    old_resident = make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn Cũ", phone="0911000001",
                             birth_year=1960, show_on_leaderboard=True)
    recent_resident = make_user(role=Role.RESIDENT, unit=village, full_name="Trần Thị Mới", phone="0911000002")
    old = contest_awarded(13, [old_resident])
    recent = contest_awarded(11, [recent_resident])

    result = contest_retention_apply(now=NOW)

    assert result.contests == [old.pk] and result.anonymised == 1
    old_resident.refresh_from_db()
    recent_resident.refresh_from_db()
    assert old_resident.is_anonymised
    assert (old_resident.full_name, old_resident.phone, old_resident.birth_year) == ("Người dùng đã xóa", None, None)
    assert not old_resident.is_active and not old_resident.has_usable_password()
    assert not recent_resident.is_anonymised and recent_resident.phone == "0911000002"
    old_attempts = Attempt.objects.filter(quiz__contest_round__contest=old)
    assert set(old_attempts.values_list("client_ip", "client_fingerprint")) == {(None, "")}
    recent_attempts = Attempt.objects.filter(quiz__contest_round__contest=recent)
    assert set(recent_attempts.values_list("client_ip", flat=True)) == {"203.0.113.7"}


def test_the_rankings_remain_and_the_winners_snapshot_stays_readable(client, village):
    people = [make_user(role=Role.RESIDENT, unit=village, full_name=f"Lê Văn Hạng{n}", show_on_leaderboard=True)
              for n in range(3)]
    contest = contest_awarded(13, people)
    round_ = contest.rounds.get()
    ranks = list(Standing.objects.filter(round=round_).order_by("final_rank").values_list("user_id", "final_rank",
                                                                                           "score"))
    prizes = list(Prize.objects.filter(round=round_).values_list("kind", "place", "standing_id", "unit_id"))

    url = reverse("contests:winners", args=[contest.slug, round_.number])
    assert "Lê V. H" in client.get(url).content.decode()  # masked names, with their consent

    contest_retention_apply(now=NOW)

    assert User.objects.filter(pk__in=[p.pk for p in people], anonymised_at__isnull=False).count() == 3
    assert list(Standing.objects.filter(round=round_).order_by("final_rank")
                .values_list("user_id", "final_rank", "score")) == ranks
    assert list(Prize.objects.filter(round=round_).values_list("kind", "place", "standing_id", "unit_id")) == prizes
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lê V. H" not in html  # no name left, not even masked
    first = Prize.objects.get(round=round_, kind=PrizeKind.INDIVIDUAL, place=1)
    assert f"Người dự thi #{first.standing.user_id}" in html
    assert village.name in html  # the unit prize stays
    # The snapshot published at close is kept as it was, so its hash still proves the ranking.
    round_.refresh_from_db()
    content = default_storage.open(round_.snapshot_name).read()
    assert hashlib.sha256(content).hexdigest() == round_.snapshot_sha256
    download = client.get(reverse("contests:snapshot", args=[contest.slug, round_.number]))
    assert download.status_code == 200


def test_a_contest_with_a_round_not_yet_closed_is_never_due(village):
    person = make_user(role=Role.RESIDENT, unit=village)
    contest = contest_awarded(14, [person])
    make_round(contest, opens_at=NOW - timedelta(days=3), closes_at=NOW + timedelta(days=3))
    assert contest_retention_apply(now=NOW).contests == []
    person.refresh_from_db()
    assert not person.is_anonymised


def test_a_resident_of_a_newer_contest_or_who_logged_in_lately_keeps_the_account(village):
    in_both = make_user(role=Role.RESIDENT, unit=village)
    still_here = make_user(role=Role.RESIDENT, unit=village)
    User.objects.filter(pk=still_here.pk).update(last_login=NOW - timedelta(days=30))
    contest_awarded(13, [in_both, still_here])
    contest_awarded(2, [in_both])

    result = contest_retention_apply(now=NOW)

    assert result.anonymised == 0
    assert not User.objects.filter(pk__in=[in_both.pk, still_here.pk], anonymised_at__isnull=False).exists()


def test_staff_keep_their_accounts_but_their_attempts_forget_the_address(village, unit_a):
    staff = make_user(role=Role.STAFF, unit=unit_a, full_name="Phạm Thị Cán Bộ")
    contest = contest_awarded(13, [staff])

    result = contest_retention_apply(now=NOW)

    staff.refresh_from_db()
    assert result.anonymised == 0 and not staff.is_anonymised
    assert result.attempts_cleared == 1
    assert set(Attempt.objects.filter(quiz__contest_round__contest=contest).values_list("client_ip", flat=True)) == {
        None}


def test_the_setting_decides_the_period(village, settings):
    person = make_user(role=Role.RESIDENT, unit=village)
    contest_awarded(7, [person])
    assert contest_retention_apply(now=NOW).anonymised == 0
    settings.CONTEST_DATA_RETENTION_MONTHS = 6
    assert contest_retention_apply(now=NOW).anonymised == 1


def test_a_second_run_changes_nothing_and_each_run_is_in_the_audit_log(village):
    contest_awarded(13, [make_user(role=Role.RESIDENT, unit=village)])
    first = contest_retention_apply(now=NOW)
    second = contest_retention_apply(now=NOW)
    assert (first.anonymised, second.anonymised, second.attempts_cleared) == (1, 0, 0)
    entry = AuditEntry.objects.get(action="retention.apply")
    assert entry.actor is None and entry.data["anonymised"] == 1
    assert AuditEntry.objects.filter(action="user.anonymise", actor__isnull=True).count() == 1


def test_the_command_runs_the_same_service(village, capsys):
    person = make_user(role=Role.RESIDENT, unit=village)
    contest_awarded(13, [person])
    call_command("apply_retention")
    assert "accounts anonymised: 1" in capsys.readouterr().out
    person.refresh_from_db()
    assert person.is_anonymised


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 12, 4, 9, 30), 12, datetime(2025, 12, 4, 9, 30)),
    (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
    (datetime(2028, 3, 31), 1, datetime(2028, 2, 29)),
    (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
])
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
