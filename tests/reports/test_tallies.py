"""The report tallies (reports.tallies): counted from the finished attempts by `tallies_update`
(the `update_report_tallies` command), on the local day of submission, for the unit and staff-ness
frozen on the attempt when it started; grading writes nothing for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UnitKind
from accounts.roles import Role, assign_role
from accounts.services import user_anonymise
from quizzes.models import Attempt, QuizFixedQuestion
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from reports.models import AnswerTally, AttemptTally, TallyUpdate
from reports.stats import Filters, answers_figures, attempts_count, most_missed_questions, unit_rows_only
from reports.tallies import tallies_counted_at, tallies_update
from tests.factories import make_unit, make_user
from tests.quizzes.attempt_factories import correct_ids, make_question, make_quiz, make_topic, start, wrong_ids
from tests.reports.scenario import END, START

pytestmark = pytest.mark.django_db


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2025, 3, day, hour, minute))


def _rows(*, split: bool = False) -> dict[str, set[tuple]]:
    """The tallies' rows; with `split`, each with whether its people were staff."""
    staff = ("is_staff_member",) if split else ()
    return {
        "attempts": set(AttemptTally.objects.values_list("day", "unit_id", "quiz_id", *staff, "attempts")),
        "answers": set(AnswerTally.objects.values_list("day", "unit_id", "quiz_id", *staff, "question_id", "topic_id",
                                                       "answers", "correct")),
    }


def _counted() -> dict[str, set[tuple]]:
    tallies_update(everything=True)
    return _rows()


@pytest.fixture
def quiz():
    t1, t2 = make_topic("Một cửa"), make_topic("Dịch vụ công")
    return make_quiz(questions=[make_question(topic=t1), make_question(topic=t1), make_question(topic=t2)],
                     shuffle_questions=False, time_limit_seconds=30 * 60)


def _answer(attempt: Attempt, *, right: int, when: datetime) -> None:
    """Answer the first `right` questions correctly and the rest wrongly."""
    for n, item in enumerate(attempt.items.order_by("position")):
        chosen = correct_ids(item) if n < right else wrong_ids(item)[:1]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=chosen, now=when)


def _take(quiz, user, *, right: int, when: datetime) -> Attempt:
    """Start, answer, submit."""
    attempt = start(quiz, user, now=when - timedelta(minutes=5))
    _answer(attempt, right=right, when=when - timedelta(minutes=1))
    return attempt_submit(attempt=attempt, now=when)


def test_a_submitted_attempt_is_counted_once_on_its_local_day(quiz, staff_a, unit_a):
    # 23:30 in Quảng Ngãi is 16:30 UTC: the attempt counts on the local day, as the periods do.
    attempt = _take(quiz, staff_a, right=2, when=_local(10, 23, 30))
    attempt_submit(attempt=attempt, now=_local(11, 0, 30))  # a retried submit grades nothing again
    q1, q2, q3 = (item.question for item in attempt.items.order_by("position"))
    day = date(2025, 3, 10)
    assert _counted() == {
        "attempts": {(day, unit_a.pk, quiz.pk, 1)},
        "answers": {(day, unit_a.pk, quiz.pk, q1.pk, q1.topic_id, 1, 1),
                    (day, unit_a.pk, quiz.pk, q2.pk, q2.topic_id, 1, 1),
                    (day, unit_a.pk, quiz.pk, q3.pk, q3.topic_id, 1, 0)},
    }
    assert _counted() == _rows()  # counting again gives the same rows


def test_attempts_of_the_same_day_and_unit_add_up(quiz, staff_a, manager_a, unit_a):
    _take(quiz, staff_a, right=3, when=_local(10, 9))
    _take(quiz, manager_a, right=0, when=_local(10, 15))
    _counted()
    assert AttemptTally.objects.get().attempts == 2
    assert sorted(AnswerTally.objects.values_list("answers", "correct")) == [(2, 1), (2, 1), (2, 1)]


def test_an_attempt_closed_at_its_deadline_is_counted_with_what_was_saved(quiz, staff_a, unit_a):
    attempt = start(quiz, staff_a, now=_local(10, 9))
    first = attempt.items.order_by("position").first()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first), now=_local(10, 9, 1))
    attempt_submit(attempt=attempt, now=_local(12, 9))  # two days late: closed at the deadline
    assert Attempt.objects.get().status == "expired"
    _counted()
    assert list(AttemptTally.objects.values_list("day", "attempts")) == [(date(2025, 3, 10), 1)]
    assert sorted(AnswerTally.objects.values_list("answers", "correct")) == [(1, 0), (1, 0), (1, 1)]


def test_open_attempts_are_not_counted(quiz, staff_a):
    start(quiz, staff_a, now=_local(10, 9))
    assert _counted() == {"attempts": set(), "answers": set()}


def test_grading_writes_nothing_for_the_reports(quiz, staff_a):
    attempt = start(quiz, staff_a, now=_local(10, 9))
    with CaptureQueriesContext(connection) as captured:
        attempt_submit(attempt=attempt, now=_local(10, 9, 10))
    assert not [q["sql"] for q in captured.captured_queries if "reports_" in q["sql"]]
    assert _rows() == {"attempts": set(), "answers": set()}


def test_a_graded_attempt_is_in_the_figures_after_the_next_count(quiz, staff_a, commune):
    filters = Filters(unit=commune, date_from=START, date_to=END)
    assert tallies_counted_at() is None
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    assert attempts_count(filters) == 0  # as of the last count: none yet
    moment = timezone.now()
    assert tallies_update(now=moment) == date(2025, 3, 10)  # the first count: every day with an attempt
    assert attempts_count(filters) == 1
    assert tallies_counted_at() == moment
    assert TallyUpdate.objects.count() == 1


def test_an_update_writes_only_the_days_whose_counts_changed(quiz, staff_a, manager_a, django_assert_num_queries):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    tallies_update(now=_local(10, 12))
    # When it was last counted; for the 9th and the 10th, the attempts and answers counted and the
    # rows kept, equal: nothing written; then when (the update row's lock, savepoints here).
    with django_assert_num_queries(13) as captured:
        tallies_update(now=_local(10, 13))
    assert not [q["sql"] for q in captured.captured_queries if "_attempttally" in q["sql"] and "SELECT" not in q["sql"]]
    _take(quiz, manager_a, right=1, when=_local(10, 14))
    with CaptureQueriesContext(connection) as captured:
        tallies_update(now=_local(10, 15))
    written = [q["sql"].split()[0] for q in captured.captured_queries if "_answertally" in q["sql"]]
    assert written.count("DELETE") == 1 and written.count("INSERT") == 1  # the 10th replaced
    assert AttemptTally.objects.get().attempts == 2


def test_an_update_recounts_from_the_day_before_the_last_one(quiz, staff_a, manager_a, resident, unit_a):
    def per_day() -> dict[date, int]:
        days: dict[date, int] = {}
        for day, n in AttemptTally.objects.values_list("day", "attempts"):
            days[day] = days.get(day, 0) + n
        return days

    _take(quiz, staff_a, right=1, when=_local(8, 9))
    tallies_update(now=_local(9, 0, 30))  # the first: every day
    _take(quiz, manager_a, right=1, when=_local(9, 10))
    _take(quiz, resident, right=1, when=_local(9, 11))
    AttemptTally.objects.filter(day=date(2025, 3, 8)).update(attempts=7)
    # The last update started at 00:30 on the 9th: recounted from the 8th, inclusive.
    assert tallies_update(now=_local(10, 12)) == date(2025, 3, 8)
    assert per_day() == {date(2025, 3, 8): 1, date(2025, 3, 9): 2}
    # The next from the 9th: the days before stay as they were counted.
    AttemptTally.objects.filter(day=date(2025, 3, 8)).update(attempts=7)
    assert tallies_update(now=_local(11, 12)) == date(2025, 3, 9)
    assert per_day() == {date(2025, 3, 8): 7, date(2025, 3, 9): 2}
    assert tallies_update(everything=True) == date(2025, 3, 8)
    assert per_day() == {date(2025, 3, 8): 1, date(2025, 3, 9): 2}


def test_the_command_counts_and_says_from_when(quiz, staff_a):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    out = []
    call_command("update_report_tallies", stdout=SimpleNamespace(write=out.append))
    assert AttemptTally.objects.get().attempts == 1
    assert "".join(out).startswith("Tallies recounted from 10/03/2025")
    call_command("update_report_tallies", stdout=SimpleNamespace(write=out.append))
    assert "Tallies recounted from" in out[-1]  # the day before the last run
    call_command("update_report_tallies", "--all", stdout=SimpleNamespace(write=out.append))
    assert out[-1].startswith("Tallies recounted from 10/03/2025 (every day)")


def test_people_without_a_unit_are_not_counted(quiz):
    person = make_user(role=Role.RESIDENT)
    person.unit = None
    person.save()
    _take(quiz, person, right=1, when=_local(10, 9))
    assert _counted() == {"attempts": set(), "answers": set()}


def test_an_attempt_stays_with_the_unit_it_started_in(quiz, staff_a, unit_a, unit_b):
    # Moved before the submit, and again after: the attempt counts where it started.
    attempt = start(quiz, staff_a, now=_local(10, 9))
    staff_a.unit = unit_b
    staff_a.save()
    _answer(attempt, right=3, when=_local(10, 9, 5))
    attempt_submit(attempt=attempt, now=_local(10, 9, 10))
    _counted()
    period_a = Filters(unit=unit_a, date_from=START, date_to=END)
    period_b = Filters(unit=unit_b, date_from=START, date_to=END)
    assert (attempts_count(period_a), attempts_count(period_b)) == (1, 0)
    weak, _missed = answers_figures(period_a, unit_rows_only(period_a))
    assert sorted(c.answers for c in weak.totals) == [1, 2]


def test_an_attempt_counts_as_staff_or_resident_as_when_it_started(quiz, resident, village):
    # A resident made staff between start and submit still counts as a resident.
    attempt = start(quiz, resident, now=_local(10, 9))
    assign_role(resident, Role.STAFF)
    _answer(attempt, right=1, when=_local(10, 9, 5))
    attempt_submit(attempt=attempt, now=_local(10, 9, 10))
    _counted()
    assert list(AttemptTally.objects.values_list("unit_id", "is_staff_member")) == [(village.pk, False)]


def test_staff_and_residents_are_counted_apart(quiz, staff_a, resident, village):
    _take(quiz, staff_a, right=3, when=_local(10, 9))
    _take(quiz, resident, right=1, when=_local(10, 10))
    _counted()
    assert set(AttemptTally.objects.values_list("unit_id", "is_staff_member", "attempts")) == {
        (staff_a.unit_id, True, 1), (village.pk, False, 1)}
    correct = {True: 0, False: 0}
    for staff, n in AnswerTally.objects.values_list("is_staff_member", "correct"):
        correct[staff] += n
    assert correct == {True: 3, False: 1}


def test_anonymising_a_person_keeps_the_figures(quiz, staff_a, commune):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    filters = Filters(unit=commune, date_from=START, date_to=END)
    before = _counted(), [(m.question.pk, m.wrong) for m in most_missed_questions(filters)]
    user_anonymise(user=staff_a)
    assert (_counted(), [(m.question.pk, m.wrong) for m in most_missed_questions(filters)]) == before
    assert attempts_count(filters) == 1


def test_deleting_a_question_drops_it_from_the_most_missed_but_not_from_its_topic(quiz, staff_a, commune):
    attempt = _take(quiz, staff_a, right=0, when=_local(10, 9))
    filters = Filters(unit=commune, date_from=START, date_to=END)
    _counted()
    first = attempt.items.order_by("position").first().question
    QuizFixedQuestion.objects.filter(question=first).delete()  # the bank refuses while a quiz uses it
    first.delete()
    for _recounted in (False, True):  # the tallies kept, and counted again from the answers
        assert first.pk not in [m.question.pk for m in most_missed_questions(filters)]
        assert len(most_missed_questions(filters)) == 2
        weak, _missed = answers_figures(filters, unit_rows_only(filters))
        assert sorted(c.answers for c in weak.totals) == [1, 2]
        _counted()


def test_a_count_repairs_a_damaged_tally(scenario):
    kept = _rows()
    assert len(kept["attempts"]) == 5  # the scenario's five attempts on five days
    AnswerTally.objects.filter(pk=AnswerTally.objects.first().pk).update(answers=999)
    AttemptTally.objects.first().delete()
    AttemptTally.objects.create(day=date(2025, 3, 30), unit=make_unit("Thôn Lạ", kind=UnitKind.VILLAGE),
                                quiz=scenario.rounds[1].quiz, attempts=5)
    assert _counted() == kept
