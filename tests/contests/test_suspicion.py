"""Suspicion flags before prizes: each detector (and what it must not flag), the idempotent
computation that keeps decisions, and prizes that honour a confirmed flag."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import AuditEntry
from accounts.ratelimit import client_fingerprint
from accounts.roles import Role
from contests.closing import round_close
from contests.models import FlagStatus, Prize, PrizeKind, SuspicionFlag, SuspicionKind
from contests.services import attempt_submit_with_prediction, round_enter
from contests.suspicion import (
    detect_fast_perfect,
    detect_same_answers,
    detect_shared_device,
    flag_decide,
    round_flags_compute,
)
from quizzes.services.attempts import attempt_save_answer
from tests.contests.helpers import NOW, make_contest, make_round
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round(make_contest(suspicious_seconds_per_question=3, suspicious_accounts_per_device=3,
                                   individual_prizes=1, unit_prizes=0), questions=3)


def person(village, name: str):
    return make_user(role=Role.RESIDENT, unit=village, full_name=name)


def play(round_, user, *, correct: int, seconds: float, offsets: tuple[float, ...] = (1, 2, 3),
         wrong: int = 0, ip: str | None = None, fingerprint: str = "", started=None):
    """An attempt with `correct` right answers (the others the `wrong`-th wrong choice), each
    question answered `offsets[i]` seconds after the start, submitted `seconds` after it."""
    started = started or NOW
    attempt = round_enter(round_=round_, user=user, client_ip=ip, fingerprint=fingerprint, now=started)
    for n, item in enumerate(attempt.items.order_by("question_id")):
        right = [c["id"] for c in item.choices if c["correct"]]
        wrongs = sorted(c["id"] for c in item.choices if not c["correct"])
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=right if n < correct else [wrongs[wrong]],
                            now=started + timedelta(seconds=offsets[n]))
    return attempt_submit_with_prediction(attempt=attempt, round_=round_, prediction=10,
                                          now=started + timedelta(seconds=seconds))


# --- Fast and perfect ----------------------------------------------------------------------------


def test_it_flags_a_perfect_score_under_the_contests_seconds_per_question(round_, village):
    fast = play(round_, person(village, "Nhanh"), correct=3, seconds=5)
    play(round_, person(village, "Bình thường"), correct=3, seconds=40)
    play(round_, person(village, "Nhanh nhưng sai"), correct=2, seconds=5)
    findings = detect_fast_perfect(round_)
    assert [(f.attempt_id, f.kind) for f in findings] == [(fast.pk, SuspicionKind.FAST_PERFECT)]
    assert findings[0].details == {"score": 3, "duration_ms": 5000, "threshold_ms": 9000}


def test_it_flags_no_fast_perfect_score_when_the_threshold_is_zero(round_, village):
    round_.contest.suspicious_seconds_per_question = 0
    round_.contest.save()
    play(round_, person(village, "Nhanh"), correct=3, seconds=1)
    assert detect_fast_perfect(round_) == []


# --- Many accounts from one device ---------------------------------------------------------------


def test_it_flags_every_account_from_one_address_and_browser_at_the_threshold(round_, village):
    shared = [play(round_, person(village, f"Máy chung {n}"), correct=1, seconds=60, ip="203.0.113.5",
                   fingerprint="fp-a") for n in range(3)]
    findings = detect_shared_device(round_)
    assert sorted(f.attempt_id for f in findings) == sorted(a.pk for a in shared)
    assert {f.details["accounts"] for f in findings} == {3}


def test_it_does_not_flag_one_address_with_different_browsers_or_fewer_accounts(round_, village):
    # A village hall: many people, one address, their own phones.
    for n in range(4):
        play(round_, person(village, f"Nhà văn hóa {n}"), correct=1, seconds=60, ip="203.0.113.9",
             fingerprint=f"phone-{n}")
    for n in range(2):
        play(round_, person(village, f"Hai người {n}"), correct=1, seconds=60, ip="198.51.100.1", fingerprint="fp-b")
    assert detect_shared_device(round_) == []


def test_the_fingerprint_is_a_hash_of_user_agent_and_language(round_, village):
    request = RequestFactory().get("/", HTTP_USER_AGENT="Zalo/1.0 Android", HTTP_ACCEPT_LANGUAGE="vi-VN")
    other_language = RequestFactory().get("/", HTTP_USER_AGENT="Zalo/1.0 Android", HTTP_ACCEPT_LANGUAGE="en")
    assert len(client_fingerprint(request)) == 32
    assert "Zalo" not in client_fingerprint(request)
    assert client_fingerprint(request) != client_fingerprint(other_language)


def test_the_contest_start_page_records_address_and_fingerprint(round_, resident_client, resident):
    resident_client.post(f"/contests/{round_.contest.slug}/rounds/{round_.number}/start/",
                         HTTP_USER_AGENT="Zalo/1.0", HTTP_ACCEPT_LANGUAGE="vi", REMOTE_ADDR="192.0.2.7")
    attempt = resident.attempts.get()
    assert attempt.client_ip == "192.0.2.7"
    request = RequestFactory().get("/", HTTP_USER_AGENT="Zalo/1.0", HTTP_ACCEPT_LANGUAGE="vi")
    assert attempt.client_fingerprint == client_fingerprint(request)


# --- Identical answers with near-identical timings -----------------------------------------------


def test_it_flags_identical_answers_answered_at_nearly_the_same_moments(round_, village):
    first = play(round_, person(village, "Chép 1"), correct=1, seconds=20, offsets=(4, 9, 15))
    second = play(round_, person(village, "Chép 2"), correct=1, seconds=21, offsets=(5, 10, 16),
                  started=NOW + timedelta(hours=2))
    findings = {f.attempt_id: f for f in detect_same_answers(round_)}
    assert set(findings) == {first.pk, second.pk}
    assert findings[first.pk].details["same_as_attempts"] == [second.pk]


def test_it_does_not_flag_identical_answers_with_different_timings(round_, village):
    play(round_, person(village, "Chậm"), correct=1, seconds=20, offsets=(4, 9, 15))
    play(round_, person(village, "Nhanh"), correct=1, seconds=21, offsets=(1, 12, 19))
    assert detect_same_answers(round_) == []


def test_it_does_not_flag_near_identical_timings_with_different_answers(round_, village):
    play(round_, person(village, "Sai kiểu A"), correct=1, seconds=20, offsets=(4, 9, 15), wrong=0)
    play(round_, person(village, "Sai kiểu B"), correct=1, seconds=20, offsets=(4, 9, 15), wrong=1)
    assert detect_same_answers(round_) == []


def test_it_does_not_flag_equal_answers_whose_durations_are_far_apart(round_, village):
    play(round_, person(village, "Một"), correct=3, seconds=20, offsets=(4, 9, 15))
    play(round_, person(village, "Hai"), correct=3, seconds=300, offsets=(4, 9, 15))
    assert detect_same_answers(round_) == []


# --- Computing, deciding, prizes -----------------------------------------------------------------


def test_computing_twice_gives_the_same_flags_and_keeps_decisions(round_, village, organiser):
    play(round_, person(village, "Nhanh"), correct=3, seconds=5)
    assert round_flags_compute(round_=round_)[SuspicionKind.FAST_PERFECT] == 1
    flag = SuspicionFlag.objects.get()
    flag_decide(flag=flag, actor=organiser, confirm=False, reason="Đã gọi điện xác minh")
    counts = round_flags_compute(round_=round_)
    assert counts[SuspicionKind.FAST_PERFECT] == 0
    flag.refresh_from_db()
    assert (SuspicionFlag.objects.count(), flag.status, flag.reason) == (1, FlagStatus.CLEARED, "Đã gọi điện xác minh")


def test_an_open_flag_no_longer_found_goes_away(round_, village):
    play(round_, person(village, "Nhanh"), correct=3, seconds=5)
    round_flags_compute(round_=round_)
    round_.contest.suspicious_seconds_per_question = 1
    round_.contest.save()
    round_flags_compute(round_=round_)
    assert not SuspicionFlag.objects.exists()


def test_the_command_computes_a_rounds_flags(round_, village, capsys):
    play(round_, person(village, "Nhanh"), correct=3, seconds=5)
    call_command("flag_suspicious", str(round_.pk))
    call_command("flag_suspicious", str(round_.pk))
    assert "fast_perfect: 1 open" in capsys.readouterr().out
    assert SuspicionFlag.objects.count() == 1


def _winner(round_):
    return Prize.objects.get(round=round_, kind=PrizeKind.INDIVIDUAL, place=1).standing.user.full_name


def test_a_confirmed_flag_keeps_the_person_out_of_prizes_and_recomputing_is_idempotent(round_, village, organiser):
    play(round_, person(village, "Nhanh quá"), correct=3, seconds=5)
    play(round_, person(village, "Người thứ hai"), correct=3, seconds=40)
    after = round_.closes_at + timedelta(minutes=5)
    # The prizes wait for the flag, unless the organiser says why not (tests/contests/test_round_closing.py).
    round_ = round_close(round_=round_, actor=organiser, now=after, override_reason="Trao giải tạm")
    flag = SuspicionFlag.objects.get(kind=SuspicionKind.FAST_PERFECT)
    assert _winner(round_) == "Nhanh quá"  # an open flag excludes nobody

    flag_decide(flag=flag, actor=organiser, confirm=True, reason="Trả lời 3 câu trong 5 giây")
    assert _winner(round_) == "Người thứ hai"
    entry = AuditEntry.objects.get(action="flag.confirm")
    assert entry.data["reason"] == "Trả lời 3 câu trong 5 giây"
    assert entry.actor == organiser

    round_close(round_=round_, actor=organiser, now=after + timedelta(hours=1))
    assert _winner(round_) == "Người thứ hai"
    assert Prize.objects.filter(round=round_, kind=PrizeKind.INDIVIDUAL).count() == 1

    flag_decide(flag=flag, actor=organiser, confirm=False, reason="Đã xác minh trực tiếp")
    assert _winner(round_) == "Nhanh quá"
    assert AuditEntry.objects.filter(action="flag.clear", data__reason="Đã xác minh trực tiếp").exists()


def test_a_decision_without_a_reason_is_refused(round_, village, organiser):
    play(round_, person(village, "Nhanh"), correct=3, seconds=5)
    round_flags_compute(round_=round_)
    with pytest.raises(ValueError, match="reason"):
        flag_decide(flag=SuspicionFlag.objects.get(), actor=organiser, confirm=True, reason="   ")
    assert SuspicionFlag.objects.get().status == FlagStatus.OPEN
    assert not AuditEntry.objects.filter(action__startswith="flag.").exists()
