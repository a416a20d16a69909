"""A small commune whose figures are computed by hand in the comments, for the dashboard, the
exports, the API and the .docx report to be checked against.

Period: 01/03/2025–31/03/2025 (31 days; the previous period is 29/01–28/02/2025).

Training: module M1 assigned to Phòng A (staff_a, manager_a) and Phòng B (staff_b). staff_a
completed it on 10/03 (certificate that day). Assigned 3, completed 1 (33.3 %); A 1/2 = 50.0 %,
B 0/1 = 0.0 %.

Contest: round 1 (01–15/03) and round 2 (16–31/03), 4 questions each; round 0 in February.
  round 1: resident 3/4 (75 %), staff_a 2/4 (50 %), staff_b 4/4 (100 %)
  round 2: resident 1/4 (25 %)
  round 0 (previous period): resident 1/4 (25 %)
Headcounts: commune 100, Phòng A 5, Phòng B 5, Thôn Một 50.
  Thôn Một: 1 participant → 2.0 %, mean (75 + 25) / 2 = 50.0; before: 2.0 %, 25.0 → +0.0, +25.0
  Phòng A: 1 → 20.0 %, mean 50.0;   Phòng B: 1 → 20.0 %, mean 100.0
  Ranks (participation, then mean): B 1, A 2, Thôn Một 3.
  Total: 3 people of 100 → 3.0 %; entries 4; mean (75+50+100+25)/4 = 62.5; median of
  25, 50, 75, 100 = 62.5; staff entries 2, residents 2; attempts 4.
  Per round: round 1 staff 2, residents 1, 3.0 %, mean 75.0; round 2 residents 1, 1.0 %, 25.0.

Attempts are written directly, carrying their person's unit and staff-ness as attempts started
by the engine do; the report tallies are then counted from them (reports.tallies.tallies_update),
as `update_report_tallies` does from cron.

Answers (q1, q2 in topic T1; q3, q4 in T2), ✓ right ✗ wrong:
  resident r1: ✓ ✓ ✓ ✗   staff_a: ✓ ✗ ✓ ✗   staff_b: ✓ ✓ ✓ ✓   resident r2: ✓ ✗ ✗ ✗
  Thôn Một: T1 3/4 = 75.0, T2 1/4 = 25.0 (weak);  Phòng A: T1 50.0, T2 50.0;  Phòng B: 100.0, 100.0
  All: T1 6/8 = 75.0, T2 4/8 = 50.0.  Most missed: q4 (3 of 4 wrong), q2 (2), q3 (1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import Unit, User
from contests.models import Contest, Round, Standing
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, Question, Quiz, Topic
from reports.tallies import tallies_update
from training.models import Assignment, Certificate, Module, ModuleCompletion, ModuleStatus

PERIOD = {"date_from": "01/03/2025", "date_to": "31/03/2025"}
START, END = date(2025, 3, 1), date(2025, 3, 31)


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, hour))


@dataclass
class Scenario:
    module: Module
    contest: Contest
    rounds: list[Round]
    topics: list[Topic]
    questions: list[Question]


def _question(topic: Topic, n: int) -> Question:
    question = Question.objects.create(topic=topic, text=f"Câu hỏi {n}?", explanation=f"Giải thích {n}.",
                                       source="NQ 76/NQ-CP")
    question.choices.create(text="Đúng", is_correct=True, order=0)
    question.choices.create(text="Sai", is_correct=False, order=1)
    return question


def _attempt(quiz: Quiz, user: User, when: datetime, marks: str, questions: list[Question], *,
             staff: bool) -> Attempt:
    score = marks.count("1")
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, status=AttemptStatus.SUBMITTED, started_at=when - timedelta(minutes=5),
        deadline=when + timedelta(minutes=10), submitted_at=when, score=score, max_score=len(marks),
        score_percent=100 * score / len(marks), duration_ms=300_000, unit=user.unit, is_staff_member=staff,
    )
    for position, (question, mark) in enumerate(zip(questions, marks, strict=True)):
        choices = [{"id": c.pk, "text": c.text, "correct": c.is_correct} for c in question.choices.order_by("order")]
        chosen = choices[0]["id"] if mark == "1" else choices[1]["id"]
        AttemptQuestion.objects.create(
            attempt=attempt, question=question, position=position, type=question.type, text=question.text,
            explanation=question.explanation, topic_id_snapshot=question.topic_id, choices=choices,
            selected=[chosen], answered_at=when, is_correct=mark == "1",
        )
    return attempt


def _standing(round_: Round, user: User, attempt: Attempt, *, staff: bool) -> Standing:
    return Standing.objects.create(
        round=round_, user=user, unit=user.unit, attempt=attempt, score=attempt.score, max_score=attempt.max_score,
        duration_ms=attempt.duration_ms, submitted_at=attempt.submitted_at, is_staff_member=staff,
    )


def build(*, unit_a: Unit, unit_b: Unit, village: Unit, organiser: User, manager_a: User, staff_a: User,
          staff_b: User, resident: User) -> Scenario:
    topics = [Topic.objects.create(slug="t1", name="T1 Nghị quyết 76"),
              Topic.objects.create(slug="t2", name="T2 Dịch vụ công")]
    questions = [_question(topics[0], 1), _question(topics[0], 2), _question(topics[1], 3), _question(topics[1], 4)]

    module = Module.objects.create(title="M1 Cải cách hành chính", slug="m1", status=ModuleStatus.PUBLISHED)
    for unit in (unit_a, unit_b):
        Assignment.objects.create(module=module, unit=unit, due_date=date(2025, 3, 20), assigned_by=organiser)
    completion = ModuleCompletion.objects.create(user=staff_a, module=module, completed_at=at(10))
    Certificate.objects.create(completion=completion, issued_at=at(10), holder_name=staff_a.full_name,
                               unit_name=unit_a.name, module_title=module.title)

    contest = Contest.objects.create(title="Tìm hiểu CCHC 2025", slug="cchc-2025", is_published=True)
    rounds = []
    for number, (opens, closes) in enumerate([(at(1, 2), at(28, 2, 20)), (at(1), at(15, 3, 20)),
                                              (at(16), at(31, 3, 20))]):
        quiz = Quiz.objects.create(title=f"Vòng {number}", slug=f"contest-cchc-2025-vong-{number}")
        rounds.append(Round.objects.create(contest=contest, number=number, quiz=quiz, opens_at=opens,
                                           closes_at=closes))
    r0, r1, r2 = rounds
    for round_, person, when, marks, staff in [(r0, resident, at(10, 2), "1000", False),
                                               (r1, resident, at(3), "1110", False),
                                               (r1, staff_a, at(4), "1010", True),
                                               (r1, staff_b, at(5), "1111", True),
                                               (r2, resident, at(20), "1000", False)]:
        _standing(round_, person, _attempt(round_.quiz, person, when, marks, questions, staff=staff), staff=staff)
    tallies_update()
    return Scenario(module=module, contest=contest, rounds=rounds, topics=topics, questions=questions)
