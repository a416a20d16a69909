"""Assisted mode: a village officer takes a contest round with a resident on the officer's own
device. The attempt is the resident's and marked assisted; the officer's session acts for the
resident on that attempt's pages only, with a banner on every page; organisers see assisted
attempts; the contest says whether they may win prizes; the shared-device flag ignores them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, UnitKind
from accounts.roles import Role
from contests.assist import round_enter_assisted
from contests.closing import round_close
from contests.models import Prize, PrizeKind, Standing, SuspicionKind
from contests.services import attempt_submit_with_prediction, round_enter
from contests.suspicion import detect_shared_device
from quizzes.models import Attempt, AttemptStatus
from quizzes.services.attempts import attempt_save_answer
from quizzes.services.errors import AttemptOpenElsewhere
from tests.assist_helpers import make_officer
from tests.contests.helpers import NOW, make_contest, make_round
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round(make_contest(suspicious_accounts_per_device=3, individual_prizes=1, unit_prizes=0),
                      questions=3, shuffle_choices=False)


@pytest.fixture
def officer(village):
    return make_officer(village)


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _assist_url(round_) -> str:
    return reverse("contests:round_assist", args=[round_.contest.slug, round_.number])


def _start(client: Client, round_, person):
    return client.post(_assist_url(round_), {"resident": person.pk})


def _banner(person) -> str:
    return escape(_("Assisting: %(name)s") % {"name": person.full_name})


def play(round_, user, *, correct: int, seconds: float, officer=None, ip: str | None = None,
         fingerprint: str = "", started=None):
    """One attempt with `correct` right answers, submitted `seconds` after the start; taken with
    `officer` (assisted) when given."""
    started = started or NOW
    if officer is not None:
        attempt = round_enter_assisted(round_=round_, resident=user, officer=officer, client_ip=ip,
                                       fingerprint=fingerprint, now=started)
    else:
        attempt = round_enter(round_=round_, user=user, client_ip=ip, fingerprint=fingerprint, now=started)
    for n, item in enumerate(attempt.items.order_by("position")):
        right = [c["id"] for c in item.choices if c["correct"]]
        wrong = [c["id"] for c in item.choices if not c["correct"]]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=right if n < correct else wrong[:1],
                            now=started + timedelta(seconds=n + 1))
    return attempt_submit_with_prediction(attempt=attempt, round_=round_, prediction=10,
                                          now=started + timedelta(seconds=seconds))


# --- Starting ----------------------------------------------------------------------------------------


def test_the_officer_picks_a_resident_and_the_attempt_is_theirs_marked_assisted(officer_client, officer, resident,
                                                                                round_):
    page = officer_client.get(_assist_url(round_))
    assert page.status_code == 200 and resident.full_name in page.content.decode()
    response = _start(officer_client, round_, resident)
    attempt = Attempt.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quizzes:attempt_take", args=[attempt.pk])
    assert (attempt.user, attempt.assisted_by, attempt.unit) == (resident, officer, resident.unit)
    entry = AuditEntry.objects.get(action="attempt.assisted_start")
    assert (entry.actor, entry.data["resident"]) == (officer, resident.pk)


def test_the_whole_attempt_is_recorded_for_the_resident_with_the_banner_on_every_page(
        officer_client, officer, resident, round_):
    _start(officer_client, round_, resident)
    attempt = Attempt.objects.get()
    take = officer_client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    assert take.status_code == 200 and _banner(resident) in take.content.decode()
    item = attempt.items.order_by("position").first()
    saved = officer_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                {"item": item.pk, f"a{item.pk}": "1"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    item.refresh_from_db()
    assert item.selected == [item.choices[0]["id"]]
    review = officer_client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert review.status_code == 200 and _banner(resident) in review.content.decode()
    submit = officer_client.post(reverse("contests:round_submit", args=[attempt.pk]),
                                 {"prediction": "12", "key": "k-1"})
    assert submit.status_code == 302
    result = officer_client.get(reverse("contests:round_result", args=[attempt.pk]))
    assert result.status_code == 200 and _banner(resident) in result.content.decode()
    standing = Standing.objects.get(round=round_)
    assert (standing.user, standing.prediction) == (resident, 12)
    assert not Standing.objects.filter(user=officer).exists()


def test_the_session_acts_for_the_resident_on_that_attempt_only(officer_client, officer, resident, round_):
    _start(officer_client, round_, resident)
    # Every other page is the officer's own, with the banner.
    own = officer_client.get(reverse("accounts:my_data"))
    assert officer.full_name in own.content.decode() and _banner(resident) in own.content.decode()
    # Another attempt of the same resident, not taken with the officer, stays out of reach.
    other_round = make_round(round_.contest, questions=2)
    theirs = round_enter(round_=other_round, user=resident)
    assert officer_client.get(reverse("quizzes:attempt_take", args=[theirs.pk])).status_code == 404
    # Starting the officer's own attempt from the round's page is the officer's, not assisted.
    officer_client.post(reverse("contests:round_start", args=[other_round.contest.slug, other_round.number]))
    mine = Attempt.objects.get(user=officer)
    assert mine.assisted_by is None


def test_ending_the_assistance_gives_the_device_back_to_the_officer(officer_client, resident, round_):
    _start(officer_client, round_, resident)
    attempt = Attempt.objects.get()
    ended = officer_client.post(reverse("contests:assist_end"))
    assert ended.status_code == 302
    assert officer_client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).status_code == 404
    assert _banner(resident) not in officer_client.get(reverse("accounts:my_data")).content.decode()


def test_an_officer_cannot_start_for_another_villages_resident(officer_client, round_, commune):
    elsewhere = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune)
    stranger = make_user(role=Role.RESIDENT, unit=elsewhere, full_name="Người Thôn Khác", birth_year=1980)
    assert stranger.full_name not in officer_client.get(_assist_url(round_)).content.decode()
    assert _start(officer_client, round_, stranger).status_code == 404
    assert not Attempt.objects.exists()


def test_residents_and_staff_have_no_assisted_mode(resident_client, staff_a_client, resident, round_):
    assert resident_client.get(_assist_url(round_)).status_code == 404
    assert _start(staff_a_client, round_, resident).status_code == 404


def test_an_attempt_open_on_the_residents_own_phone_is_never_taken_over(officer_client, officer, resident, round_):
    own = round_enter(round_=round_, user=resident)
    response = _start(officer_client, round_, resident)
    assert response.status_code == 302 and response["Location"] == _assist_url(round_)
    assert list(Attempt.objects.all()) == [own]
    assert own.assisted_by is None
    with pytest.raises(AttemptOpenElsewhere):
        round_enter_assisted(round_=round_, resident=resident, officer=officer)


def test_starting_again_resumes_the_same_assisted_attempt(officer_client, resident, round_):
    _start(officer_client, round_, resident)
    _start(officer_client, round_, resident)
    assert Attempt.objects.filter(status=AttemptStatus.OPEN).count() == 1


# --- What organisers see -------------------------------------------------------------------------------


def test_organisers_see_assisted_attempts_on_the_participation_page(organiser_client, officer, resident, round_):
    play(round_, resident, correct=2, seconds=60, officer=officer)
    page = organiser_client.get(reverse("contests:participation", args=[round_.contest.slug, round_.number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert escape(_("Assisted attempts")) in text and officer.full_name in text and resident.full_name in text


def test_the_results_export_names_the_officer(organiser_client, officer, resident, round_, village):
    from io import BytesIO

    from openpyxl import load_workbook

    play(round_, resident, correct=2, seconds=60, officer=officer)
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Tự Làm"), correct=1, seconds=60)
    response = organiser_client.get(reverse("reports:export_round_results", args=[round_.pk]))
    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    column = rows[0].index(_("Assisted by"))
    by_name = {row[1]: row[column] for row in rows[1:]}
    assert by_name == {resident.full_name: officer.full_name, "Tự Làm": None}


# --- Prizes and flags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("may_win", "winner"), [(True, "Được hỗ trợ"), (False, "Tự làm")])
def test_the_contest_says_whether_assisted_attempts_can_win(round_, village, officer, organiser, may_win, winner):
    contest = round_.contest
    contest.assisted_attempts_win_prizes = may_win
    contest.save()
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Được hỗ trợ"), correct=3, seconds=50,
         officer=officer)
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Tự làm"), correct=2, seconds=50)
    round_ = round_close(round_=round_, actor=organiser, now=round_.closes_at + timedelta(minutes=5))
    prize = Prize.objects.get(round=round_, kind=PrizeKind.INDIVIDUAL, place=1)
    assert prize.standing.user.full_name == winner
    # Ranked either way: the rule is about prizes only.
    assert Standing.objects.get(round=round_, user__full_name="Được hỗ trợ").final_rank == 1


def test_the_shared_device_flag_does_not_fire_for_one_officers_assisted_attempts(round_, village, officer):
    for n in range(4):
        person = make_user(role=Role.RESIDENT, unit=village, full_name=f"Người được hỗ trợ {n}")
        play(round_, person, correct=1, seconds=60, officer=officer, ip="203.0.113.5", fingerprint="officer-phone")
    assert detect_shared_device(round_) == []


def test_the_shared_device_flag_still_fires_for_unassisted_accounts_on_one_device(round_, village, officer):
    for n in range(3):
        person = make_user(role=Role.RESIDENT, unit=village, full_name=f"Tự làm {n}")
        play(round_, person, correct=1, seconds=60, ip="203.0.113.5", fingerprint="officer-phone")
    assisted = make_user(role=Role.RESIDENT, unit=village, full_name="Được hỗ trợ")
    play(round_, assisted, correct=1, seconds=60, officer=officer, ip="203.0.113.5", fingerprint="officer-phone")
    flagged = {f.user_id for f in detect_shared_device(round_) if f.kind == SuspicionKind.SHARED_DEVICE}
    assert len(flagged) == 3 and assisted.pk not in flagged


def test_trying_again_from_the_result_page_is_again_for_the_resident(officer_client, officer, resident, round_):
    _start(officer_client, round_, resident)
    first = Attempt.objects.get()
    officer_client.post(reverse("contests:round_submit", args=[first.pk]), {"prediction": "3", "key": "k-2"})
    result = officer_client.get(reverse("contests:round_result", args=[first.pk])).content.decode()
    assert f'action="{_assist_url(round_)}"' in result and f'name="resident" value="{resident.pk}"' in result
    assert _start(officer_client, round_, resident).status_code == 302
    second = Attempt.objects.exclude(pk=first.pk).get()
    assert (second.user, second.assisted_by, second.number) == (resident, officer, 2)
    assert not Attempt.objects.filter(user=officer).exists()


def test_the_flags_queue_says_an_attempt_was_assisted(organiser_client, officer, resident, round_):
    from contests.suspicion import round_flags_compute

    round_.contest.suspicious_seconds_per_question = 10
    round_.contest.save()
    play(round_, resident, correct=3, seconds=5, officer=officer)
    round_flags_compute(round_=round_)
    page = organiser_client.get(reverse("contests:flag_queue")).content.decode()
    assert escape(_("assisted by %(name)s") % {"name": officer.full_name}) in page


def test_the_residents_data_download_names_who_assisted_them(officer, resident, round_):
    from accounts.personal_data import personal_data_export

    play(round_, resident, correct=1, seconds=30, officer=officer)
    data = personal_data_export(user=resident)
    assert [a["assisted_by"] for a in data["quiz_attempts"]] == [officer.full_name]


def test_an_officer_who_loses_the_role_no_longer_acts_for_the_resident(officer_client, officer, resident, round_):
    from django.contrib.auth.models import Group

    _start(officer_client, round_, resident)
    attempt = Attempt.objects.get()
    officer.groups.remove(Group.objects.get(name=Role.VILLAGE_OFFICER.value))
    assert officer_client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).status_code == 404
