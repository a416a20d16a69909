"""A 1,000-question .xlsx imports with a handful of queries (bulk inserts), whatever its size.
The timing itself (target ≤ 3 s) is measured by tests/bench/bench_import.py, not here."""

import pytest

from quizzes.models import Choice, Question
from tests.bench.bench_import import build_rows
from tests.quizzes.import_helpers import make_xlsx

pytestmark = pytest.mark.django_db


def test_a_thousand_questions_import_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    from quizzes.bank_import import questions_import

    rows = build_rows(1000)
    data = make_xlsx(rows)

    # Row by row would be ~4,000 inserts; batched, SQLite's 999-parameter limit gives ~25 inserts,
    # plus 4 queries per new topic (5 here) and the audit entry.
    with django_assert_max_num_queries(60):
        report = questions_import(source=data, format="xlsx")

    assert report.ok and report.created == 1000
    assert Question.objects.count() == 1000
    assert Choice.objects.count() == sum(1 for row in rows for letter in "ABCDEF" if row.get(letter))
    assert Question.objects.filter(type="multiple").count() == 333
