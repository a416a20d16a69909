"""reports.stats against the hand-computed scenario (tests/reports/scenario.py)."""

from decimal import Decimal as D

import pytest

from accounts.models import UnitKind
from accounts.roles import Role
from contests.models import Standing
from quizzes.models import Attempt
from reports.stats import Audience, Filters, dashboard
from reports.tallies import tallies_update
from tests.factories import make_unit, make_user
from tests.reports.scenario import END, START, at

# Among them: topics drawn by open contest rounds (explanations withheld there), and when the
# tallies were counted. Nothing is written.
QUERIES = 21


@pytest.fixture
def data(scenario, commune):
    return dashboard(Filters(unit=commune, date_from=START, date_to=END))


def _row(data, name):
    return next(r for r in data.table.rows if r.unit.name == name)


def test_headline_figures(data):
    assert (data.entries, data.staff_taking_part, data.residents_taking_part) == (4, 2, 2)
    assert data.attempts == 4
    assert (data.mean_score, data.median_score) == (D("62.5"), D("62.5"))
    assert data.certificates == 1


def test_training_per_module(data):
    [m1] = data.modules
    assert (m1.assigned, m1.completed, m1.completion_rate, m1.certificates) == (3, 1, D("33.3"), 1)


def test_unit_table_rolls_up_and_ranks(data):
    names = [r.unit.name for r in data.table.rows]
    # The organiser belongs to the commune itself: a row for the commune's own members comes last.
    assert names == ["Phòng B", "Phòng A", "Thôn Một", "Xã Thử Nghiệm"]
    assert data.table.rows[-1].is_own_members and data.table.rows[-1].members == 1
    a, b, v = _row(data, "Phòng A"), _row(data, "Phòng B"), _row(data, "Thôn Một")
    assert (a.headcount, a.completion_rate, a.participation_rate, a.mean_score, a.rank) == (5, D("50.0"), D("20.0"),
                                                                                            D("50.0"), 2)
    assert (b.completion_rate, b.participation_rate, b.mean_score) == (D("0.0"), D("20.0"), D("100.0"))
    assert (v.completion_rate, v.participation_rate, v.mean_score) == (None, D("2.0"), D("50.0"))
    assert (v.participation_change, v.mean_score_change) == (D("0.0"), D("25.0"))
    total = data.table.total
    assert (total.headcount, total.participants, total.participation_rate, total.completion_rate) == (
        100, 3, D("3.0"), D("33.3"))


def test_rounds_of_the_period(data):
    r1, r2 = data.rounds
    assert (r1.staff, r1.residents, r1.participation_rate, r1.mean_score) == (2, 1, D("3.0"), D("75.0"))
    assert (r2.staff, r2.residents, r2.participation_rate, r2.mean_score) == (0, 1, D("1.0"), D("25.0"))


def test_weak_topics_per_unit(data):
    assert [t.name for t in data.weak.topics] == ["T1 Nghị quyết 76", "T2 Dịch vụ công"]
    rows = {unit.name: cells for unit, cells in data.weak.rows}
    assert [c.rate for c in rows["Thôn Một"]] == [D("75.0"), D("25.0")]
    assert [c.is_weakest for c in rows["Thôn Một"]] == [False, True]
    assert [c.rate for c in rows["Phòng A"]] == [D("50.0"), D("50.0")]
    assert [c.rate for c in rows["Phòng B"]] == [D("100.0"), D("100.0")]
    assert not any(c.is_weakest for c in rows["Phòng B"])
    assert [c.rate for c in data.weak.totals] == [D("75.0"), D("50.0")]


def test_most_missed_questions_with_explanations(data):
    assert [(m.question.text, m.wrong, m.answers) for m in data.missed] == [
        ("Câu hỏi 4?", 3, 4), ("Câu hỏi 2?", 2, 4), ("Câu hỏi 3?", 1, 4)]
    assert data.missed[0].question.explanation == "Giải thích 4."


def test_a_unit_scope_sees_only_its_subtree(scenario, unit_a):
    data = dashboard(Filters(unit=unit_a, date_from=START, date_to=END))
    assert (data.entries, data.table.total.participants, data.mean_score) == (1, 1, D("50.0"))
    assert [r.unit for r in data.table.rows] == [unit_a]  # its own members
    assert data.certificates == 1 and data.modules[0].assigned == 2


def test_the_audience_filter_splits_staff_and_residents(scenario, commune):
    staff = dashboard(Filters(unit=commune, date_from=START, date_to=END, audience=Audience.STAFF))
    assert (staff.entries, staff.residents_taking_part, staff.mean_score) == (2, 0, D("75.0"))
    residents = dashboard(Filters(unit=commune, date_from=START, date_to=END, audience=Audience.RESIDENTS))
    assert (residents.entries, residents.staff_taking_part, residents.modules[0].assigned) == (2, 0, 0)


def test_the_audience_filter_also_splits_attempts_weak_topics_and_most_missed(scenario, commune):
    # Residents: r1 ✓✓✓✗ and r2 ✓✗✗✗ → T1 3/4, T2 1/4; staff: ✓✗✓✗ and ✓✓✓✓ → T1 3/4, T2 3/4.
    staff = dashboard(Filters(unit=commune, date_from=START, date_to=END, audience=Audience.STAFF))
    residents = dashboard(Filters(unit=commune, date_from=START, date_to=END, audience=Audience.RESIDENTS))
    assert (staff.attempts, residents.attempts) == (2, 2)
    assert [c.rate for c in staff.weak.totals] == [D("75.0"), D("75.0")]
    assert [c.rate for c in residents.weak.totals] == [D("75.0"), D("25.0")]
    assert [(m.question.text, m.wrong, m.answers) for m in residents.missed][0] == ("Câu hỏi 4?", 2, 2)


def test_the_previous_period_is_of_equal_length(commune):
    previous = Filters(unit=commune, date_from=START, date_to=END).previous()
    assert (previous.date_from.isoformat(), previous.date_to.isoformat()) == ("2025-01-29", "2025-02-28")


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_data(
        scenario, commune, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        dashboard(Filters(unit=commune, date_from=START, date_to=END))
    # Ten more units with members, answers and entries: not one query more.
    r1 = scenario.rounds[1]
    for n in range(10):
        unit = make_unit(f"Thôn {n}", kind=UnitKind.VILLAGE, parent=commune, headcount=20)
        person = make_user(role=Role.RESIDENT, unit=unit)
        attempt = Attempt.objects.create(quiz=r1.quiz, user=person, status="submitted", deadline=at(5),
                                         submitted_at=at(5), score=1, max_score=2, unit=unit)
        Standing.objects.create(round=r1, user=person, unit=unit, attempt=attempt, score=1, max_score=2,
                                duration_ms=1000, submitted_at=at(5))
    tallies_update(everything=True)
    with django_assert_num_queries(QUERIES):
        data = dashboard(Filters(unit=commune, date_from=START, date_to=END))
    assert data.entries == 14
