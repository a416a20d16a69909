"""Setting a contest up without the admin (contests/authoring.py): the round quizzes follow the
contest's settings, a draw larger than its pool is refused, weekly rounds open at 00:00 and close
at 23:59 Vietnam time, a close moved earlier ends the attempts in flight, every change is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from contests.authoring import (
    contest_prizes_save,
    contest_publish,
    contest_save,
    contest_unpublish,
    round_update,
    rounds_generate,
    weekly_windows,
)
from contests.errors import (
    CloseBeforeStarts,
    ContestPoolOverlap,
    NoDraw,
    NoRounds,
    PoolTooSmall,
    RoundFinal,
    RoundsOverlap,
)
from contests.models import Contest, ContestAudience, RankingRule, Standing
from contests.ranking import final_ranks_compute
from contests.services import round_enter
from quizzes.models import AttemptStatus, Audience, QuestionStatus, ReviewPolicy, ScoringRule
from quizzes.services.attempts import attempt_save_answer
from tests.contests.helpers import take
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def bank():
    """Two topics: NQ76 with 4 questions for everyone and 2 for staff only; Dịch vụ công with 3
    for everyone and 1 for residents only."""
    nq76, dvc = make_topic("NQ76"), make_topic("Dịch vụ công")
    for _ in range(4):
        make_question(topic=nq76)
    for _ in range(2):
        make_question(topic=nq76, audience=Audience.STAFF)
    for _ in range(3):
        make_question(topic=dvc)
    make_question(topic=dvc, audience=Audience.PUBLIC)
    make_question(topic=dvc, status=QuestionStatus.DRAFT)
    return nq76, dvc


def _contest(organiser, bank, **fields) -> Contest:
    nq76, dvc = bank
    fields.setdefault("title", "Tìm hiểu CCHC 2026")
    fields.setdefault("slug", "cchc-2026")
    fields.setdefault("audience", ContestAudience.RESIDENTS)
    return contest_save(actor=organiser, contest=Contest(**fields), counts={nq76.pk: 2, dvc.pk: 2})


def test_weekly_rounds_open_at_midnight_and_close_at_23_59_vietnam_time():
    windows = weekly_windows(start=date(2026, 12, 28), count=3)
    local = [(o.astimezone(HCM), c.astimezone(HCM)) for o, c in windows]
    assert [(o.strftime("%d/%m/%Y %H:%M"), c.strftime("%d/%m/%Y %H:%M")) for o, c in local] == [
        ("28/12/2026 00:00", "03/01/2027 23:59"),
        ("04/01/2027 00:00", "10/01/2027 23:59"),
        ("11/01/2027 00:00", "17/01/2027 23:59"),
    ]
    # UTC+7 all year: no daylight saving moves a round by an hour.
    assert {o.utcoffset() for o, _c in local} | {c.utcoffset() for _o, c in local} == {timedelta(hours=7)}
    assert windows[0][0] == datetime(2026, 12, 27, 17, 0, tzinfo=UTC)


def test_generated_rounds_get_quizzes_made_from_the_contest(organiser, bank):
    nq76, dvc = bank
    contest = _contest(organiser, bank, time_limit_minutes=12, attempts_per_round=3,
                       scoring_rule=ScoringRule.FIRST)
    first, second = rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 4), count=2)
    assert (first.number, second.number) == (1, 2)
    for round_ in (first, second):
        quiz = round_.quiz
        assert (quiz.audience, quiz.time_limit_seconds, quiz.attempts_allowed, quiz.scoring_rule) == (
            Audience.PUBLIC, 12 * 60, 3, ScoringRule.FIRST)
        assert (quiz.opens_at, quiz.closes_at) == (round_.opens_at, round_.closes_at)
        assert sorted(quiz.draw_rules.values_list("topic_id", "count")) == sorted([(nq76.pk, 2), (dvc.pk, 2)])
        assert round_.staff_quiz is None
    assert first.quiz.slug != second.quiz.slug
    # More rounds later are numbered after these.
    (third,) = rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 18), count=1)
    assert third.number == 3


def test_a_contest_for_both_with_a_staff_pool_gets_a_staff_quiz(organiser, bank):
    contest = _contest(organiser, bank, audience=ContestAudience.BOTH, staff_pool=True)
    (round_,) = rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 4), count=1)
    assert (round_.quiz.audience, round_.staff_quiz.audience) == (Audience.BOTH, Audience.STAFF)
    # Turning the pool off before anyone took part removes it.
    contest.staff_pool = False
    contest_save(actor=organiser, contest=contest, counts={r.topic_id: r.count for r in contest.draw_rules.all()})
    round_.refresh_from_db()
    assert round_.staff_quiz is None


def test_changing_the_settings_updates_rounds_nobody_has_taken_only(organiser, bank, resident):
    nq76, dvc = bank
    contest = _contest(organiser, bank)
    now = timezone.now()
    taken, fresh = rounds_generate(actor=organiser, contest=contest,
                                   start=timezone.localdate(now) - timedelta(days=1), count=2)
    round_enter(round_=taken, user=resident, now=now)
    contest.time_limit_minutes = 5
    contest_save(actor=organiser, contest=contest, counts={nq76.pk: 1, dvc.pk: 0})
    taken.quiz.refresh_from_db()
    fresh.quiz.refresh_from_db()
    assert taken.quiz.time_limit_seconds == 15 * 60
    assert list(taken.quiz.draw_rules.values_list("count", flat=True)) == [2, 2]
    assert fresh.quiz.time_limit_seconds == 5 * 60
    assert list(fresh.quiz.draw_rules.values_list("topic_id", "count")) == [(nq76.pk, 1)]


def test_a_draw_larger_than_its_pool_is_refused_and_nothing_is_saved(organiser, bank):
    nq76, dvc = bank
    # Residents may be given 4 NQ76 questions (the staff-only ones are not theirs).
    with pytest.raises(PoolTooSmall) as refused:
        contest_save(actor=organiser, contest=Contest(title="Quá nhiều", slug="qua-nhieu",
                                                      audience=ContestAudience.RESIDENTS),
                     counts={nq76.pk: 5})
    assert nq76.name in refused.value.message
    assert not Contest.objects.exists()
    assert not AuditEntry.objects.exists()
    # Staff may be given all 6.
    contest_save(actor=organiser, contest=Contest(title="Cán bộ", slug="can-bo", audience=ContestAudience.STAFF),
                 counts={nq76.pk: 6})
    with pytest.raises(NoDraw):
        contest_save(actor=organiser, contest=Contest(title="Trống", slug="trong"), counts={nq76.pk: 0})


def test_overlapping_rounds_are_refused(organiser, bank):
    contest = _contest(organiser, bank)
    rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 4), count=2)
    with pytest.raises(RoundsOverlap):
        rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 10), count=1)
    assert contest.rounds.count() == 2


def test_publishing_needs_rounds_that_can_draw(organiser, bank):
    nq76, dvc = bank
    contest = _contest(organiser, bank)
    with pytest.raises(NoRounds):
        contest_publish(actor=organiser, contest=contest)
    rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 4), count=1)
    # The bank shrank since the contest was saved: of Dịch vụ công's 4 questions for residents,
    # 3 go back to draft, leaving 1 for a draw of 2.
    for question in dvc.questions.filter(status=QuestionStatus.PUBLISHED)[:3]:
        question.status = QuestionStatus.DRAFT
        question.save()
    with pytest.raises(PoolTooSmall) as refused:
        contest_publish(actor=organiser, contest=contest)
    assert dvc.name in refused.value.message
    contest.refresh_from_db()
    assert not contest.is_published
    make_question(topic=dvc)
    contest_publish(actor=organiser, contest=contest)
    contest_unpublish(actor=organiser, contest=contest)
    assert list(AuditEntry.objects.filter(object_id=str(contest.pk)).values_list("action", flat=True)
                .order_by("pk")) == ["contest.create", "contest.rounds_generate", "contest.publish",
                                     "contest.unpublish"]


def test_every_change_is_audited_with_what_changed(organiser, bank):
    nq76, dvc = bank
    contest = _contest(organiser, bank)
    contest.title = "Tìm hiểu CCHC năm 2026"
    contest_save(actor=organiser, contest=contest, counts={nq76.pk: 3, dvc.pk: 2})
    update = AuditEntry.objects.get(action="contest.update")
    assert update.actor == organiser
    assert update.data["changed"] == {"title": ["Tìm hiểu CCHC 2026", "Tìm hiểu CCHC năm 2026"]}
    assert update.data["questions_per_topic"][1] == {str(nq76.pk): 3, str(dvc.pk): 2}
    contest.first_prizes, contest.consolation_prizes = 1, 5
    contest_prizes_save(actor=organiser, contest=contest)
    prizes = AuditEntry.objects.get(action="contest.prizes_update")
    assert prizes.data["changed"] == {"consolation_prizes": [0, 5]}


def test_prizes_by_rank_are_what_the_ranking_reads(organiser, bank):
    contest = _contest(organiser, bank)
    contest.first_prizes, contest.second_prizes, contest.third_prizes, contest.consolation_prizes = 1, 2, 3, 4
    contest_prizes_save(actor=organiser, contest=contest)
    contest.refresh_from_db()
    assert contest.individual_prizes == 10
    assert [contest.prize_tier(n) for n in (1, 2, 3, 4, 6, 7, 10, 11)] == [
        "Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba", "Giải Ba", "Giải Khuyến khích", "Giải Khuyến khích", ""]


@pytest.fixture
def open_round(organiser, bank):
    contest = _contest(organiser, bank)
    (round_,) = rounds_generate(actor=organiser, contest=contest, start=timezone.localdate() - timedelta(days=1),
                               count=1)
    return round_


def test_moving_the_close_earlier_closes_the_attempts_in_flight_at_the_new_close(organiser, open_round, village):
    now = timezone.now()
    grace = timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)
    people = [make_user(role=Role.RESIDENT, unit=village, birth_year=1990) for _ in range(2)]
    attempts = [round_enter(round_=open_round, user=p, now=now - timedelta(minutes=10)) for p in people]
    item = attempts[0].items.order_by("position").first()
    right = [c["id"] for c in item.choices if c["correct"]]
    attempt_save_answer(attempt=attempts[0], item_id=item.pk, choice_ids=right, now=now - timedelta(minutes=9))
    # The organiser ends the round 3 minutes ago: past the new close and its grace.
    new_close = (now - grace - timedelta(minutes=3)).replace(microsecond=0)
    open_round.closes_at = new_close
    round_update(actor=organiser, round_=open_round)
    for attempt in attempts:
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.EXPIRED
        assert attempt.deadline == attempt.submitted_at == new_close
    assert attempts[0].score == 1
    # They are in the standings, so the final ranking counts them.
    assert Standing.objects.filter(round=open_round).count() == 2
    open_round.quiz.refresh_from_db()
    assert open_round.quiz.closes_at == new_close
    entry = AuditEntry.objects.get(action="contest.round_update")
    assert entry.data["attempts_cut"] == 2
    assert entry.data["changed"]["closes_at"][1] == new_close.isoformat()


def test_moving_the_close_to_a_minute_from_now_cuts_the_deadlines_in_flight(organiser, open_round, resident):
    now = timezone.now()
    attempt = round_enter(round_=open_round, user=resident, now=now - timedelta(minutes=1))
    new_close = (now + timedelta(minutes=1)).replace(microsecond=0)
    open_round.closes_at = new_close
    round_update(actor=organiser, round_=open_round)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert attempt.deadline == new_close


def test_a_ranked_round_cannot_be_moved(organiser, open_round):
    open_round.closed_at = timezone.now()
    open_round.save(update_fields=["closed_at"])
    open_round.closes_at = open_round.closes_at - timedelta(days=1)
    with pytest.raises(RoundFinal):
        round_update(actor=organiser, round_=open_round)


def test_the_ranking_rule_decides_between_the_prediction_and_the_time(organiser, open_round, village):
    slow_good_guess = make_user(role=Role.RESIDENT, unit=village, birth_year=1990)
    fast_bad_guess = make_user(role=Role.RESIDENT, unit=village, birth_year=1990)
    started = timezone.now() - timedelta(hours=1)
    take(open_round, slow_good_guess, correct=2, seconds=300, started=started, prediction=2)
    take(open_round, fast_bad_guess, correct=2, seconds=60, started=started, prediction=50)

    def order() -> list[int]:
        final_ranks_compute(open_round, actual=2)
        return list(Standing.objects.filter(round=open_round).order_by("final_rank").values_list("user_id", flat=True))

    assert order() == [slow_good_guess.pk, fast_bad_guess.pk]
    open_round.contest.ranking_rule = RankingRule.TIME_FIRST
    open_round.contest.save()
    assert order() == [fast_bad_guess.pk, slow_good_guess.pk]


def test_publishing_is_refused_when_another_quiz_reviews_the_contests_pool(organiser, bank):
    nq76, _dvc = bank
    contest = _contest(organiser, bank)
    rounds_generate(actor=organiser, contest=contest, start=date(2027, 1, 4), count=1)
    # A module quiz drawing from the same topic shows its right answers right after submitting.
    make_quiz(draw=[(nq76, 2)], review_policy=ReviewPolicy.IMMEDIATELY, title="Bài kiểm tra mô-đun NQ76")
    with pytest.raises(ContestPoolOverlap) as refused:
        contest_publish(actor=organiser, contest=contest)
    assert "Bài kiểm tra mô-đun NQ76" in refused.value.message
    contest.refresh_from_db()
    assert not contest.is_published
    assert not AuditEntry.objects.filter(action="contest.publish").exists()


def test_a_close_before_an_attempt_started_is_refused(organiser, open_round, resident):
    now = timezone.now()
    attempt = round_enter(round_=open_round, user=resident, now=now - timedelta(minutes=10))
    stored_close = open_round.closes_at
    open_round.closes_at = now - timedelta(minutes=20)
    with pytest.raises(CloseBeforeStarts) as refused:
        round_update(actor=organiser, round_=open_round)
    assert timezone.localtime(attempt.started_at).strftime("%H:%M") in refused.value.message
    open_round.refresh_from_db()
    attempt.refresh_from_db()
    assert open_round.closes_at == stored_close
    assert attempt.status == AttemptStatus.OPEN
    assert not AuditEntry.objects.filter(action="contest.round_update").exists()
