"""Demo contest: "Tìm hiểu cải cách hành chính năm 2025", four weekly rounds over the demo bank's
questions for residents (public and both), the current week's round open. Idempotent: an
existing contest, round or quiz is left as it is (dates included)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from contests.models import Contest, ContestAudience, ContestDrawRule, PredictionKind, Round
from quizzes.models import Audience, Quiz, QuizDrawRule, ReviewPolicy, ScoringRule, Topic

SLUG = "cchc-2025"
TOPICS = ["nq76", "chinh-quyen-2-cap", "dich-vu-cong-truc-tuyen", "thu-tuc-hanh-chinh-mot-cua",
          "an-toan-thong-tin-du-lieu-ca-nhan"]
PER_TOPIC = 2
WEEKS = 4

RULES = (
    "1. Đối tượng: người dân từ 15 tuổi trở lên và cán bộ, công chức, viên chức đang sinh sống, làm việc "
    "trên địa bàn xã Đông Trà Bồng.\n"
    "2. Cuộc thi gồm 4 tuần thi. Mỗi tuần thi có 10 câu hỏi trắc nghiệm, làm trong 15 phút; mỗi người được "
    "làm tối đa 3 lượt, lượt có kết quả cao nhất được tính.\n"
    "3. Trước khi nộp bài, người dự thi trả lời câu hỏi dự đoán: có bao nhiêu người tham gia tuần thi.\n"
    "4. Mỗi tuần trao 3 giải cá nhân và 2 giải tập thể cho đơn vị có tỷ lệ tham gia từ 50% trở lên. "
    "Thành viên Ban Tổ chức không được xét giải."
)


def _week_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    monday = (local - timedelta(days=local.weekday())).date()
    return timezone.make_aware(datetime.combine(monday, time(0, 0)))


def _round_quiz(number: int, opens_at: datetime, closes_at: datetime, topics: list[Topic]) -> Quiz:
    quiz, created = Quiz.objects.get_or_create(
        slug=f"{SLUG}-tuan-{number}",
        defaults={
            "title": f"Tìm hiểu CCHC năm 2025 — Tuần thi {number}", "audience": Audience.PUBLIC,
            "time_limit_seconds": 15 * 60, "attempts_allowed": 3, "scoring_rule": ScoringRule.HIGHEST,
            "review_policy": ReviewPolicy.AFTER_CLOSE, "pass_mark_percent": 0,
            "opens_at": opens_at, "closes_at": closes_at,
        },
    )
    if created:
        QuizDrawRule.objects.bulk_create(QuizDrawRule(quiz=quiz, topic=t, count=PER_TOPIC) for t in topics)
    return quiz


@transaction.atomic
def load(stdout) -> None:
    topics = list(Topic.objects.filter(slug__in=TOPICS).order_by("slug"))
    if len(topics) != len(TOPICS):
        stdout.write("  contest skipped: the demo question bank is not loaded")
        return
    contest, created = Contest.objects.get_or_create(slug=SLUG, defaults={
        "title": "Tìm hiểu cải cách hành chính năm 2025",
        "description": ("Cuộc thi trực tuyến tìm hiểu về cải cách hành chính, chính quyền địa phương 02 cấp, "
                        "dịch vụ công trực tuyến và an toàn thông tin dành cho người dân và cán bộ xã "
                        "Đông Trà Bồng."),
        "rules": RULES, "is_published": True, "audience": ContestAudience.BOTH, "min_age": 15,
        "prediction_kind": PredictionKind.PARTICIPANTS, "individual_prizes": 3, "unit_prizes": 2,
        "unit_min_participation_percent": 50, "time_limit_minutes": 15, "attempts_per_round": 3,
        "scoring_rule": ScoringRule.HIGHEST,
    })
    # What the organiser's settings page shows and the round quizzes are made from.
    if not contest.draw_rules.exists():
        ContestDrawRule.objects.bulk_create(ContestDrawRule(contest=contest, topic=t, count=PER_TOPIC) for t in topics)
    first_week = _week_start(timezone.now())
    made = 0
    for number in range(1, WEEKS + 1):
        if contest.rounds.filter(number=number).exists():
            continue
        opens_at = first_week + timedelta(weeks=number - 1)
        closes_at = opens_at + timedelta(days=7, minutes=-1)  # Sunday 23:59: always a round open
        quiz = _round_quiz(number, opens_at, closes_at, topics)
        Round.objects.create(contest=contest, number=number, title=f"Tuần thi thứ {number}", quiz=quiz,
                             opens_at=opens_at, closes_at=closes_at)
        made += 1
    stdout.write(f"  contest {'created' if created else 'already there'}: /contests/{SLUG}/ ({made} new rounds)")
