"""The report tallies (reports.tallies): kept as each attempt is graded, equal to a count of the
answers, and rebuilt from the attempts by the data migration and the management command."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import UnitKind
from accounts.roles import Role
from accounts.services import user_anonymise
from quizzes.models import Attempt, AttemptQuestion, QuizFixedQuestion
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from reports import tallies
from reports.models import AttemptTally, QuestionTally, TallyBacklog, TopicTally
from reports.stats import Filters, answers_figures, attempts_count, most_missed_questions, unit_rows_only
from reports.tallies import tallies_fold, tallies_rebuild, tallies_record
from tests.factories import make_unit, make_user
from tests.quizzes.attempt_factories import correct_ids, make_question, make_quiz, make_topic, start, wrong_ids
from tests.reports.scenario import END, START

pytestmark = pytest.mark.django_db


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2025, 3, day, hour, minute))


def _rows(*, split: bool = False) -> dict[str, set[tuple]]:
    """The tallies' rows as a report reads them (the waiting attempts folded in first); with
    `split`, each with whether its people were staff."""
    tallies_fold()
    staff = ("is_staff_member",) if split else ()
    return {
        "attempts": set(AttemptTally.objects.values_list("day", "unit_id", "quiz_id", *staff, "attempts")),
        "topics": set(TopicTally.objects.values_list("day", "unit_id", "quiz_id", *staff, "topic_id", "answers",
                                                     "correct")),
        "questions": set(QuestionTally.objects.values_list("day", "unit_id", "quiz_id", *staff, "question_id",
                                                           "answers", "correct")),
    }


@pytest.fixture
def quiz():
    t1, t2 = make_topic("Một cửa"), make_topic("Dịch vụ công")
    return make_quiz(questions=[make_question(topic=t1), make_question(topic=t1), make_question(topic=t2)],
                     shuffle_questions=False, time_limit_seconds=30 * 60)


def _take(quiz, user, *, right: int, when: datetime) -> Attempt:
    """Start, answer the first `right` questions correctly and the rest wrongly, submit."""
    attempt = start(quiz, user, now=when - timedelta(minutes=5))
    for n, item in enumerate(attempt.items.order_by("position")):
        chosen = correct_ids(item) if n < right else wrong_ids(item)[:1]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=chosen, now=when - timedelta(minutes=1))
    return attempt_submit(attempt=attempt, now=when)


def test_a_submitted_attempt_is_counted_once_on_its_local_day(quiz, staff_a, unit_a):
    # 23:30 in Quảng Ngãi is 16:30 UTC: the attempt counts on the local day, as the periods do.
    attempt = _take(quiz, staff_a, right=2, when=_local(10, 23, 30))
    attempt_submit(attempt=attempt, now=_local(11, 0, 30))  # a retried submit grades nothing again
    q1, q2, q3 = (item.question for item in attempt.items.order_by("position"))
    day = date(2025, 3, 10)
    assert _rows() == {
        "attempts": {(day, unit_a.pk, quiz.pk, 1)},
        "topics": {(day, unit_a.pk, quiz.pk, q1.topic_id, 2, 2), (day, unit_a.pk, quiz.pk, q3.topic_id, 1, 0)},
        "questions": {(day, unit_a.pk, quiz.pk, q1.pk, 1, 1), (day, unit_a.pk, quiz.pk, q2.pk, 1, 1),
                      (day, unit_a.pk, quiz.pk, q3.pk, 1, 0)},
    }


def test_attempts_of_the_same_day_and_unit_add_up(quiz, staff_a, manager_a, unit_a):
    _take(quiz, staff_a, right=3, when=_local(10, 9))
    _take(quiz, manager_a, right=0, when=_local(10, 15))
    assert tallies_fold() == 2
    assert AttemptTally.objects.get().attempts == 2
    assert sorted(TopicTally.objects.values_list("answers", "correct")) == [(2, 1), (4, 2)]
    assert QuestionTally.objects.count() == 3


def test_an_attempt_closed_at_its_deadline_is_counted_with_what_was_saved(quiz, staff_a, unit_a):
    attempt = start(quiz, staff_a, now=_local(10, 9))
    first = attempt.items.order_by("position").first()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first), now=_local(10, 9, 1))
    attempt_submit(attempt=attempt, now=_local(12, 9))  # two days late: closed at the deadline
    assert Attempt.objects.get().status == "expired"
    tallies_fold()
    assert list(AttemptTally.objects.values_list("day", "attempts")) == [(date(2025, 3, 10), 1)]
    assert sorted(TopicTally.objects.values_list("answers", "correct")) == [(1, 0), (2, 1)]


def test_a_grading_rolled_back_leaves_no_tally(quiz, staff_a):
    attempt = start(quiz, staff_a, now=_local(10, 9))
    with pytest.raises(RuntimeError), transaction.atomic():
        attempt_submit(attempt=attempt, now=_local(10, 9, 10))
        raise RuntimeError("the request failed after grading")
    assert _rows() == {"attempts": set(), "topics": set(), "questions": set()}
    assert not TallyBacklog.objects.exists()
    assert Attempt.objects.get().status == "open"


def test_grading_puts_the_attempt_in_the_backlog_with_two_queries(quiz, staff_a, django_assert_num_queries):
    attempt = _take(quiz, staff_a, right=1, when=_local(10, 9))
    TallyBacklog.objects.all().delete()
    # The grading left the person on the attempt: whether they are staff, then one INSERT. No
    # tally is written inside the grading transaction.
    with django_assert_num_queries(2) as captured:
        tallies_record(attempt=attempt)
    assert captured.captured_queries[-1]["sql"].startswith("INSERT")
    assert list(TallyBacklog.objects.values_list("attempt_id", "unit_id", "is_staff_member")) == [
        (attempt.pk, staff_a.unit_id, True)]
    assert not AttemptTally.objects.exists()
    assert _rows()["attempts"] == {(date(2025, 3, 10), staff_a.unit_id, quiz.pk, 1)}


def test_an_attempt_read_afresh_is_recorded_the_same(quiz, staff_a, django_assert_num_queries):
    graded = _take(quiz, staff_a, right=1, when=_local(10, 9))
    expected = _rows()
    for tally in (AttemptTally, TopicTally, QuestionTally):
        tally.objects.all().delete()
    afresh = Attempt.objects.get(pk=graded.pk)
    # Its person is read first.
    with django_assert_num_queries(3):
        tallies_record(attempt=afresh)
    assert _rows() == expected


def test_a_graded_attempt_waits_in_the_backlog_until_a_report_reads_and_is_added_once(quiz, staff_a, commune):
    attempt = _take(quiz, staff_a, right=2, when=_local(10, 9))
    assert list(TallyBacklog.objects.values_list("attempt_id", flat=True)) == [attempt.pk]
    assert not AttemptTally.objects.exists()
    # Any read of a tally (reports.stats.tallies_in) folds first.
    assert attempts_count(Filters(unit=commune, date_from=START, date_to=END)) == 1
    assert not TallyBacklog.objects.exists()
    kept = _rows()
    assert tallies_fold() == 0
    assert _rows() == kept


def test_with_nothing_waiting_a_fold_is_one_read(quiz, staff_a, django_assert_num_queries):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    tallies_fold()
    # No write, so a report page takes no write lock (SQLite) while nothing waits.
    with django_assert_num_queries(1) as captured:
        assert tallies_fold() == 0
    assert captured.captured_queries[0]["sql"].startswith("SELECT")


def test_a_backlog_larger_than_a_batch_is_folded_whole(quiz, staff_a, manager_a, resident, monkeypatch):
    monkeypatch.setattr(tallies, "FOLD_BATCH", 2)
    for hour, person in enumerate((staff_a, manager_a, resident), start=9):
        _take(quiz, person, right=1, when=_local(10, hour))
    assert tallies_fold() == 3
    assert AttemptTally.objects.aggregate(n=Sum("attempts"))["n"] == 3
    assert TopicTally.objects.aggregate(n=Sum("answers"))["n"] == 9


def test_the_rebuild_empties_the_backlog_so_nothing_is_counted_twice(quiz, staff_a, resident):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    _take(quiz, resident, right=1, when=_local(10, 10))
    assert TallyBacklog.objects.count() == 2
    tallies_rebuild()  # counts both from the attempts themselves
    assert not TallyBacklog.objects.exists()
    assert sum(n for *_key, n in _rows()["attempts"]) == 2


def test_the_fold_command_empties_the_backlog(quiz, staff_a):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    out = []
    call_command("fold_report_tallies", stdout=SimpleNamespace(write=out.append))
    assert not TallyBacklog.objects.exists()
    assert AttemptTally.objects.get().attempts == 1
    assert "".join(out).startswith("1 graded attempt")


def test_people_without_a_unit_are_not_counted(quiz):
    person = make_user(role=Role.RESIDENT)
    person.unit = None
    person.save()
    _take(quiz, person, right=1, when=_local(10, 9))
    assert _rows() == {"attempts": set(), "topics": set(), "questions": set()}


def test_answers_stay_with_the_unit_of_the_grading_when_the_person_moves(quiz, staff_a, unit_a, unit_b, commune):
    _take(quiz, staff_a, right=3, when=_local(10, 9))
    staff_a.unit = unit_b
    staff_a.save()
    period_a = Filters(unit=unit_a, date_from=START, date_to=END)
    period_b = Filters(unit=unit_b, date_from=START, date_to=END)
    assert (attempts_count(period_a), attempts_count(period_b)) == (1, 0)
    weak, _missed = answers_figures(period_a, unit_rows_only(period_a))
    assert sorted(c.answers for c in weak.totals) == [1, 2]


def test_anonymising_a_person_keeps_the_figures(quiz, staff_a, commune):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    filters = Filters(unit=commune, date_from=START, date_to=END)
    before = _rows(), [(m.question.pk, m.wrong) for m in most_missed_questions(filters)]
    user_anonymise(user=staff_a)
    assert (_rows(), [(m.question.pk, m.wrong) for m in most_missed_questions(filters)]) == before
    assert attempts_count(filters) == 1


def test_deleting_a_question_drops_it_from_the_most_missed_but_not_from_its_topic(quiz, staff_a, commune):
    attempt = _take(quiz, staff_a, right=0, when=_local(10, 9))
    filters = Filters(unit=commune, date_from=START, date_to=END)
    first = attempt.items.order_by("position").first().question
    QuizFixedQuestion.objects.filter(question=first).delete()  # the bank refuses while a quiz uses it
    first.delete()
    assert first.pk not in [m.question.pk for m in most_missed_questions(filters)]
    assert len(most_missed_questions(filters)) == 2
    weak, _missed = answers_figures(filters, unit_rows_only(filters))
    assert sorted(c.answers for c in weak.totals) == [1, 2]


def test_the_rebuild_gives_what_grading_kept_and_is_idempotent(scenario, quiz, staff_a, staff_b, resident):
    _take(quiz, staff_a, right=2, when=_local(10, 23, 30))
    _take(quiz, staff_b, right=1, when=_local(11, 0, 30))
    _take(quiz, resident, right=3, when=_local(11, 8))
    kept = _rows(split=True)
    assert len(kept["attempts"]) == 8  # the scenario's five attempts on five days, and these three
    tallies_rebuild()
    assert _rows(split=True) == kept
    call_command("rebuild_report_tallies", stdout=SimpleNamespace(write=lambda text: None))
    assert _rows(split=True) == kept


def test_the_rebuild_repairs_a_damaged_tally(scenario):
    kept = _rows()
    TopicTally.objects.filter(pk=TopicTally.objects.first().pk).update(answers=999)
    QuestionTally.objects.first().delete()
    AttemptTally.objects.create(day=date(2025, 3, 30), unit=make_unit("Thôn Lạ", kind=UnitKind.VILLAGE),
                                quiz=scenario.rounds[1].quiz, attempts=5)
    tallies_rebuild()
    assert _rows() == kept


def test_staff_and_residents_are_counted_apart(quiz, staff_a, resident, village):
    _take(quiz, staff_a, right=3, when=_local(10, 9))
    _take(quiz, resident, right=1, when=_local(10, 10))
    tallies_fold()
    assert set(AttemptTally.objects.values_list("unit_id", "is_staff_member", "attempts")) == {
        (staff_a.unit_id, True, 1), (village.pk, False, 1)}
    assert set(TopicTally.objects.values_list("is_staff_member").annotate(correct=Sum("correct"))) == {
        (True, 3), (False, 1)}


def test_the_audience_migration_rebuilds_the_tallies_split(scenario, quiz, staff_a, resident):
    _take(quiz, staff_a, right=2, when=_local(10, 9))
    _take(quiz, resident, right=1, when=_local(10, 10))
    kept = _rows(split=True)
    AttemptTally.objects.update(is_staff_member=False)
    TopicTally.objects.all().delete()
    migration = importlib.import_module("reports.migrations.0003_tallies_by_audience")
    migration.rebuild(apps, SimpleNamespace(connection=connection))
    assert _rows(split=True) == kept
    assert {flag for _d, _u, _q, flag, _n in kept["attempts"]} == {True, False}


def test_the_data_migration_fills_the_tallies_from_the_attempts(scenario):
    kept = _rows()
    for model in (AttemptTally, TopicTally, QuestionTally):
        model.objects.all().delete()
    migration = importlib.import_module("reports.migrations.0002_fill_answer_tallies")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert _rows() == kept
    assert AttemptQuestion.objects.count() == sum(n for *_key, n, _ok in kept["topics"])
