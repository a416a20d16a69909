"""Closing a round from the participation page: the POST queues a task and returns at once, the
page shows how far the run has got, the prizes wait for every suspicion flag (or a reason the
audit log keeps), and a run that stopped half-way goes on to the result of one never stopped."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import Role
from contests import closing as closing_module
from contests.closing import round_close, round_close_request, round_closing_run
from contests.errors import FlagsUndecided, RoundNotEnded
from contests.models import (
    ClosingStatus,
    ClosingStep,
    FlagStatus,
    Prize,
    PrizeKind,
    RoundClosing,
    Standing,
    SuspicionFlag,
)
from contests.services import attempt_submit_with_prediction, round_enter
from contests.suspicion import flag_decide, round_flags_compute
from quizzes.services.attempts import attempt_save_answer
from tests.contests.helpers import NOW, make_contest, make_round
from tests.factories import make_user
from tests.taskqueue import queued_tasks, run_queued_tasks

pytestmark = pytest.mark.django_db

STARTED = NOW - timedelta(days=3)


def _play(round_, village, name: str, *, correct: int, offsets: tuple[float, float, float], seconds: float):
    """One resident's attempt: `correct` right answers, question i answered `offsets[i]` seconds
    after the start, submitted after `seconds`; everyone guesses 0."""
    user = make_user(role=Role.RESIDENT, unit=village, full_name=name)
    attempt = round_enter(round_=round_, user=user, now=STARTED)
    for n, item in enumerate(attempt.items.order_by("position")):
        right = [c["id"] for c in item.choices if c["correct"]]
        wrong = [c["id"] for c in item.choices if not c["correct"]]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=right if n < correct else wrong[:1],
                            now=STARTED + timedelta(seconds=offsets[n]))
    attempt_submit_with_prediction(attempt=attempt, round_=round_, prediction=0,
                                   now=STARTED + timedelta(seconds=seconds))


def _ended_round(village, *, prizes: int = 2, fast: tuple[str, ...] = (), slow: tuple[str, ...] = ("Chậm Một",)):
    """A round that ended yesterday. People named in `fast` answered all 3 questions right in
    under 9 s (the contest flags a perfect score under 3 s a question); those in `slow` got 2
    right in 40 s or more. Nobody's answers came at the same moments as another's, so only
    the fast are flagged. Everyone guessed 0: the order is score, then time, as listed."""
    contest = make_contest(slug=f"dong-{len(fast)}-{len(slow)}-{prizes}", individual_prizes=prizes, unit_prizes=0,
                           suspicious_seconds_per_question=3)
    round_ = make_round(contest, opens_at=STARTED - timedelta(days=1), closes_at=NOW - timedelta(days=1))
    for n, name in enumerate(fast):
        _play(round_, village, name, correct=3, offsets=(1 + 3 * n, 2 + 3 * n, 3 + 3 * n), seconds=4 + 3 * n)
    for n, name in enumerate(slow):
        _play(round_, village, name, correct=2, offsets=(5 + 5 * n, 15 + 5 * n, 25 + 5 * n), seconds=40 + n)
    return round_


def _url(name, round_):
    return reverse(name, args=[round_.contest.slug, round_.number])


def _ranks(round_):
    return list(Standing.objects.filter(round=round_).order_by("final_rank")
                .values_list("user__full_name", "final_rank"))


def _winners(round_):
    return list(Prize.objects.filter(round=round_, kind=PrizeKind.INDIVIDUAL).order_by("place")
                .values_list("standing__user__full_name", flat=True))


# --- The button queues a task --------------------------------------------------------------------


def test_the_close_button_queues_the_close_and_returns_before_anything_is_computed(organiser_client, organiser,
                                                                                 village):
    round_ = _ended_round(village, slow=("Chậm Một", "Chậm Hai"))
    response = organiser_client.post(_url("contests:close_round", round_))
    assert response.status_code == 302
    assert response.url == _url("contests:participation", round_) + "#closing"

    closing = RoundClosing.objects.get(round=round_)
    assert (closing.status, closing.requested_by, closing.steps_done, closing.steps_total) == (
        ClosingStatus.QUEUED, organiser, 0, 5)
    assert [(t["func"], t["args"]) for t in queued_tasks()] == [("contests.closing.round_closing_run", (closing.pk,))]
    round_.refresh_from_db()
    assert round_.closed_at is None and not round_.snapshot_sha256
    assert set(Standing.objects.values_list("final_rank", flat=True)) == {None}

    page = organiser_client.get(response.url).content.decode()
    assert "chờ một tiến trình của hàng đợi tác vụ" in page
    assert f'hx-get="{_url("contests:closing_progress", round_)}"' in page

    assert run_queued_tasks() == ["done"]
    round_.refresh_from_db()
    closing.refresh_from_db()
    assert (closing.status, closing.steps_done, closing.runs) == (ClosingStatus.DONE, 5, 1)
    assert _ranks(round_) == [("Chậm Một", 1), ("Chậm Hai", 2)]
    page = organiser_client.get(response.url).content.decode()
    assert round_.snapshot_sha256 in page
    assert _url("contests:winners", round_) in page
    assert "hx-get" not in page.split('id="closing"')[1].split("</section>")[0]
    assert AuditEntry.objects.filter(action="contest.round_close", actor=organiser).exists()


def test_a_second_click_while_the_close_waits_is_the_same_run(organiser_client, village):
    round_ = _ended_round(village)
    organiser_client.post(_url("contests:close_round", round_))
    organiser_client.post(_url("contests:close_round", round_))
    assert RoundClosing.objects.count() == 1
    assert len(queued_tasks()) == 1


def test_the_progress_shows_the_step_and_polls_until_the_run_ends(organiser_client, village):
    round_ = _ended_round(village)
    closing = RoundClosing.objects.create(round=round_, status=ClosingStatus.RUNNING, step=ClosingStep.FINAL_RANKS,
                                          steps_done=2, steps_total=5)
    fragment = organiser_client.get(_url("contests:closing_progress", round_), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert "Đang kết thúc vòng thi: đã xong 2/5 bước. Đang làm: Tính xếp hạng chung cuộc." in html
    assert 'max="100" value="40"' in html
    assert 'hx-trigger="every 3s"' in html
    # Without JavaScript: the participation page, and a plain link to reload it.
    plain = organiser_client.get(_url("contests:closing_progress", round_))
    assert plain.url == _url("contests:participation", round_) + "#closing"
    page = organiser_client.get(plain.url).content.decode()
    assert f'<a href="{_url("contests:participation", round_)}#closing">' in page
    assert "Kết thúc vòng thi và tính xếp hạng chung cuộc</button>" not in page

    closing.status, closing.steps_done = ClosingStatus.DONE, 5
    closing.save()
    html = organiser_client.get(_url("contests:closing_progress", round_), headers={"HX-Request": "true"}).content
    assert b"hx-trigger" not in html


@pytest.mark.parametrize("persona", ["resident_client", "staff_a_client", "manager_client"])
def test_only_organisers_see_the_progress(request, village, persona):
    round_ = _ended_round(village)
    client = request.getfixturevalue(persona)
    assert client.get(_url("contests:closing_progress", round_), headers={"HX-Request": "true"}).status_code == 403


# --- When the button becomes available -----------------------------------------------------------


def test_the_button_says_when_it_becomes_available_in_local_time(organiser_client, settings):
    settings.ATTEMPT_GRACE_SECONDS = 90
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    round_ = make_round(make_contest(slug="chua-xong"), opens_at=NOW - timedelta(days=1),
                        closes_at=datetime(2040, 5, 17, 23, 59, tzinfo=hcm))
    html = organiser_client.get(_url("contests:participation", round_)).content.decode()
    # 23:59 plus 90 s of grace is past midnight, local time.
    assert "Có thể tính xếp hạng chung cuộc từ 18/05/2040 00:00" in html
    assert '<button type="button" disabled>Kết thúc vòng thi và tính xếp hạng chung cuộc</button>' in html
    with pytest.raises(RoundNotEnded):
        round_close_request(round_=round_, actor=None, now=datetime(2040, 5, 17, 23, 59, 59, tzinfo=hcm))
    assert round_close_request(round_=round_, actor=None, now=datetime(2040, 5, 18, 0, 0, 30, tzinfo=hcm))


# --- Prizes wait for the suspicion flags ---------------------------------------------------------


def test_undecided_flags_refuse_the_close_and_the_page_lists_them(organiser_client, village):
    round_ = _ended_round(village, fast=("Nhanh Một", "Nhanh Hai"))
    round_flags_compute(round_=round_)
    flags = list(SuspicionFlag.objects.filter(round=round_).order_by("id"))
    assert len(flags) == 2
    response = organiser_client.post(_url("contests:close_round", round_))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Còn 2 cờ nghi vấn chưa được quyết định trong vòng này." in html
    for flag in flags:
        assert f'href="/contests/flags/{flag.pk}/"' in html
    assert not RoundClosing.objects.exists() and not queued_tasks()
    assert not Prize.objects.exists()


def test_prizes_are_never_awarded_to_people_whose_flags_are_undecided(organiser, village):
    """What happened before: closing awarded prizes 1 and 2 to the two fast perfect scores,
    whose flags nobody had looked at."""
    round_ = _ended_round(village, fast=("Nhanh Một", "Nhanh Hai"), slow=("Chậm Một", "Chậm Hai"))
    # Nobody computed the flags before: the close finds them itself, then refuses.
    closing = round_close_request(round_=round_, actor=organiser)
    assert run_queued_tasks() == ["flags_undecided"]
    closing.refresh_from_db()
    assert closing.status == ClosingStatus.FAILED
    assert "Còn 2 cờ nghi vấn chưa được quyết định" in closing.error
    assert SuspicionFlag.objects.filter(round=round_, status=FlagStatus.OPEN).count() == 2
    round_.refresh_from_db()
    assert not Prize.objects.exists() and round_.closed_at is None
    with pytest.raises(FlagsUndecided):
        round_close(round_=round_, actor=organiser)
    assert not Prize.objects.exists()

    # Decided: one confirmed (no prize), one cleared. The close then goes through.
    flags = {flag.user.full_name: flag for flag in SuspicionFlag.objects.filter(round=round_).select_related("user")}
    flag_decide(flag=flags["Nhanh Hai"], actor=organiser, confirm=True, reason="Nhiều tài khoản")
    flag_decide(flag=flags["Nhanh Một"], actor=organiser, confirm=False, reason="Đã gặp trực tiếp")
    round_close_request(round_=round_, actor=organiser)
    assert run_queued_tasks() == ["done"]
    assert _winners(round_) == ["Nhanh Một", "Chậm Một"]


def test_an_override_reason_closes_without_waiting_and_is_in_the_audit_log(organiser_client, organiser, village):
    round_ = _ended_round(village, fast=("Nhanh Một",), slow=("Chậm Một", "Chậm Hai"))
    round_flags_compute(round_=round_)
    flag = SuspicionFlag.objects.get(round=round_)
    reason = "Lễ trao giải sáng mai; cờ sẽ được xem xét lại sau"
    response = organiser_client.post(_url("contests:close_round", round_), {"override_reason": f"  {reason} "})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="contest.round_close_override")
    assert (entry.actor, entry.data["reason"], entry.data["open_flags"]) == (organiser, reason, [flag.pk])
    assert run_queued_tasks() == ["done"]
    # An undecided flag keeps nobody out of the prizes: the organiser chose not to wait.
    assert _winners(round_) == ["Nhanh Một", "Chậm Một"]
    close_entry = AuditEntry.objects.get(action="contest.round_close")
    assert close_entry.data["override_reason"] == reason and close_entry.data["open_flags"] == [flag.pk]


def test_a_blank_reason_is_no_override(organiser_client, village):
    round_ = _ended_round(village, fast=("Nhanh Một",))
    round_flags_compute(round_=round_)
    response = organiser_client.post(_url("contests:close_round", round_), {"override_reason": "   "})
    assert response.status_code == 409
    assert not RoundClosing.objects.exists()


def test_a_reason_longer_than_the_field_is_refused_on_the_field(organiser_client, village):
    round_ = _ended_round(village, fast=("Nhanh Một",))
    round_flags_compute(round_=round_)
    response = organiser_client.post(_url("contests:close_round", round_), {"override_reason": "x" * 501})
    assert response.status_code == 400
    assert "Lý do chỉ được dài tối đa 500 ký tự (hiện có 501)." in response.content.decode()
    assert not RoundClosing.objects.exists()


# --- Idempotent and resumable ---------------------------------------------------------------------


def test_closing_again_through_the_queue_gives_the_same_ranks_and_hash(organiser, village):
    round_ = _ended_round(village, slow=("Chậm Một", "Chậm Hai", "Chậm Ba"))
    round_close_request(round_=round_, actor=organiser)
    run_queued_tasks()
    round_.refresh_from_db()
    first_hash, first_ranks, first_closed = round_.snapshot_sha256, _ranks(round_), round_.closed_at
    round_close_request(round_=round_, actor=organiser)
    run_queued_tasks()
    round_.refresh_from_db()
    assert (round_.snapshot_sha256, _ranks(round_), round_.closed_at) == (first_hash, first_ranks, first_closed)
    assert list(RoundClosing.objects.values_list("status", flat=True)) == [ClosingStatus.DONE] * 2
    assert AuditEntry.objects.filter(action="contest.round_reclose").count() == 1


def test_a_run_that_crashed_half_way_resumes_at_its_step_and_ends_as_an_uninterrupted_run(organiser, village,
                                                                                        monkeypatch):
    round_ = _ended_round(village, slow=("Chậm Một", "Chậm Hai", "Chậm Ba"))
    closing = round_close_request(round_=round_, actor=organiser)
    real_prizes = closing_module.prizes_award

    def crash(_round):
        raise OSError("disk full")

    monkeypatch.setattr(closing_module, "prizes_award", crash)
    with pytest.raises(OSError, match="disk full"):
        round_closing_run(closing.pk)
    closing.refresh_from_db()
    # Recorded as failed with the reason, steps before the crash kept; the queue tries again.
    assert (closing.status, closing.step, closing.steps_done, closing.error_code) == (
        ClosingStatus.FAILED, ClosingStep.PRIZES, 3, "")
    assert "disk full" in closing.error

    monkeypatch.setattr(closing_module, "prizes_award", real_prizes)
    assert round_closing_run(closing.pk) == "done"
    closing.refresh_from_db()
    round_.refresh_from_db()
    assert (closing.status, closing.steps_done, closing.runs) == (ClosingStatus.DONE, 5, 2)
    resumed = (round_.snapshot_sha256, _ranks(round_), _winners(round_))
    # The same standings closed again from the start, in this process: the same result.
    again = round_close(round_=round_, actor=organiser)
    assert (again.snapshot_sha256, _ranks(round_), _winners(round_)) == resumed
    assert resumed[2] == ["Chậm Một", "Chậm Hai"]


def test_a_task_presented_again_after_its_run_finished_does_nothing(organiser, village):
    round_ = _ended_round(village)
    closing = round_close_request(round_=round_, actor=organiser)
    assert round_closing_run(closing.pk) == "done"
    assert round_closing_run(closing.pk) == "nothing to do"
    closing.refresh_from_db()
    assert closing.runs == 1


def test_the_command_refuses_while_a_run_is_active(organiser, village):
    from django.core.management import CommandError, call_command

    round_ = _ended_round(village)
    round_close_request(round_=round_, actor=organiser)
    with pytest.raises(CommandError, match="đang được kết thúc"):
        call_command("close_round", round_.contest.slug, str(round_.number))


def test_a_flag_decided_while_the_close_is_past_its_prizes_step_rebuilds_the_prizes(organiser, village,
                                                                                  monkeypatch):
    round_ = _ended_round(village, fast=("Nhanh Một",), slow=("Chậm Một", "Chậm Hai"))
    closing = round_close_request(round_=round_, actor=organiser, override_reason="Trao giải trước")

    def crash(*_args):
        raise OSError("storage unavailable")

    monkeypatch.setattr(closing_module, "snapshot_write", crash)
    with pytest.raises(OSError):
        round_closing_run(closing.pk)
    round_.refresh_from_db()
    assert round_.closed_at is None and _winners(round_) == ["Nhanh Một", "Chậm Một"]
    flag_decide(flag=SuspicionFlag.objects.get(round=round_), actor=organiser, confirm=True, reason="Nhờ người làm")
    assert _winners(round_) == ["Chậm Một", "Chậm Hai"]
