"""The demo contest loads over the demo bank, twice without change, with a round open now."""

import io
import random
from datetime import timedelta

import pytest

from contests import demo
from contests.models import Contest
from quizzes import demo as bank_demo
from quizzes.services.attempts import draw_questions

pytestmark = pytest.mark.django_db


def test_the_demo_contest_has_weekly_rounds_over_the_bank_and_loads_idempotently():
    out = io.StringIO()
    bank_demo.load(out)
    demo.load(out)
    demo.load(out)
    contest = Contest.objects.get(title="Tìm hiểu cải cách hành chính năm 2025")
    rounds = list(contest.rounds.all())
    assert len(rounds) == 4
    gaps = {b.opens_at - a.opens_at for a, b in zip(rounds, rounds[1:], strict=False)}
    assert gaps == {timedelta(weeks=1)}
    assert rounds[0].is_open()
    questions = draw_questions(rounds[0].quiz, random.Random(1))
    assert len(questions) == 10
    assert {q.audience for q in questions} <= {"public", "both"}
    # The organiser's settings page shows what the round quizzes draw.
    assert sorted(contest.draw_rules.values_list("topic_id", "count")) == sorted(
        rounds[0].quiz.draw_rules.values_list("topic_id", "count"))
    assert (contest.time_limit_minutes * 60, contest.attempts_per_round) == (
        rounds[0].quiz.time_limit_seconds, rounds[0].quiz.attempts_allowed)
