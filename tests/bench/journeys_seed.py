"""The journeys bench's only contact with the project's code (tests/bench/journeys.py): the seed
(people, a contest round, a training module) written in bulk through the ORM, the check of every
acknowledged answer against the database after the server stopped, and the SQL statements of one
journey's steps. Every import of project code is in `_project()`, so a moved app is one edit here.

Run with the project's venv, after django.setup() with the bench's settings and DATABASE_URL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

PASSWORD = "Do-hieu-nang-2025"
CONTEST_SLUG = "do-hanh-trinh"
MODULE_SLUG = "do-hanh-trinh-hoc-phan"
CONTEST_QUESTIONS, BANK_QUESTIONS = 20, 60
MODULE_QUESTIONS, MODULE_BANK, LESSONS = 10, 30, 3
RIGHT = "Phương án B"  # the right choice of every seeded question; staff pick it, residents guess
VILLAGES = 10


def _project() -> SimpleNamespace:
    """The models and helpers the bench needs."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from accounts.models import Unit, UnitKind, User
    from accounts.roles import Role, ensure_roles
    from contests import models as contest_models
    from quizzes import models as quiz_models
    from training import models as training_models
    return SimpleNamespace(make_password=make_password, reverse=reverse, Unit=Unit, UnitKind=UnitKind, User=User,
                           Role=Role, ensure_roles=ensure_roles, q=quiz_models, t=training_models,
                           c=contest_models)


def _phones(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:08d}" for n in range(count)]


def _people(p, phones: list[str], unit_of, role_names: list[str], password_hash: str, **fields) -> None:
    from django.contrib.auth.models import Group

    users = p.User.objects.bulk_create(
        [p.User(phone=phone, full_name=f"Người đo {phone[-5:]}", unit=unit_of(n), password=password_hash, **fields)
         for n, phone in enumerate(phones)], batch_size=1000)
    groups = list(Group.objects.filter(name__in=role_names))
    through = p.User.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=g.pk) for u in users for g in groups],
                                batch_size=2000)


def _questions(p, topic, count: int, audience: str) -> None:
    questions = p.q.Question.objects.bulk_create([
        p.q.Question(topic=topic, text=f"Câu hỏi {n + 1} về cải cách hành chính: phương án nào đúng?",
                     explanation="Theo Nghị quyết 76/NQ-CP.", audience=audience,
                     status=p.q.QuestionStatus.PUBLISHED, source="NQ 76/NQ-CP")
        for n in range(count)])
    p.q.Choice.objects.bulk_create([
        p.q.Choice(question=q, text=f"Phương án {letter}", is_correct=f"Phương án {letter}" == RIGHT, order=n)
        for q in questions for n, letter in enumerate("ABCD")])


def _lesson_texts(root: Path) -> list[tuple[str, str]]:
    """The demo module's first lessons (real lengths), or plain text when the fixtures moved."""
    files = sorted((root / "fixtures" / "training").glob("*/[0-9][0-9]-*.md"))[:LESSONS]
    texts = []
    for path in files:
        first, _newline, body = path.read_text("utf-8").partition("\n")
        texts.append((first.lstrip("# ").strip(), body.strip()))
    while len(texts) < LESSONS:
        texts.append((f"Bài {len(texts) + 1}", "Nội dung bài học.\n\n" * 40))
    return texts


def seed(*, residents: int, staff: int, organisers: int, root: Path) -> dict:
    """Write the bench's world and return its plan: accounts and the pages where journeys begin
    (every other URL is read from the pages, as a browser does)."""
    from django.db import transaction
    from django.utils import timezone

    p = _project()
    p.ensure_roles()
    now = timezone.now()
    password_hash = p.make_password(PASSWORD)  # once for every seeded person: a hash costs tens of ms
    with transaction.atomic():
        commune = p.Unit.objects.create(name="Xã đo hành trình", kind=p.UnitKind.COMMUNE, headcount=residents + staff)
        villages = [p.Unit.objects.create(name=f"Thôn đo {n + 1}", kind=p.UnitKind.VILLAGE, parent=commune,
                                          headcount=residents // VILLAGES + 1) for n in range(VILLAGES)]
        office = p.Unit.objects.create(name="Phòng đo hành trình", kind=p.UnitKind.DEPARTMENT, parent=commune,
                                       headcount=staff + organisers)
        resident_phones, staff_phones, organiser_phones = (_phones("03", residents), _phones("07", staff),
                                                           _phones("05", organisers))
        _people(p, resident_phones, lambda n: villages[n % VILLAGES], [p.Role.RESIDENT.value], password_hash,
                birth_year=1990, show_on_leaderboard=True)
        _people(p, staff_phones, lambda n: office, [p.Role.STAFF.value], password_hash)
        _people(p, organiser_phones, lambda n: office, [p.Role.STAFF.value, p.Role.ORGANISER.value], password_hash,
                is_staff=True)

        contest_topic = p.q.Topic.objects.create(slug="do-hanh-trinh-cuoc-thi", name="Đo hành trình: cuộc thi")
        _questions(p, contest_topic, BANK_QUESTIONS, p.q.Audience.BOTH)
        opens, closes = now - timedelta(days=1), now + timedelta(days=6)
        round_quiz = p.q.Quiz.objects.create(
            slug=f"{CONTEST_SLUG}-tuan-1", title="Đo hành trình — Tuần thi 1",
            audience=p.q.Audience.PUBLIC, time_limit_seconds=3600, attempts_allowed=3,
            scoring_rule=p.q.ScoringRule.HIGHEST, review_policy=p.q.ReviewPolicy.AFTER_CLOSE, pass_mark_percent=0,
            opens_at=opens, closes_at=closes)
        p.q.QuizDrawRule.objects.create(quiz=round_quiz, topic=contest_topic, count=CONTEST_QUESTIONS)
        contest = p.c.Contest.objects.create(
            slug=CONTEST_SLUG, title="Cuộc thi đo hành trình", description="Cuộc thi trực tuyến (đo hiệu năng).",
            rules="1. Mỗi tuần 20 câu hỏi.", is_published=True, audience=p.c.ContestAudience.BOTH,
            prediction_kind=p.c.PredictionKind.PARTICIPANTS)
        p.c.Round.objects.create(contest=contest, number=1, title="Tuần thi thứ 1", quiz=round_quiz,
                                 opens_at=opens, closes_at=closes)

        module_topic = p.q.Topic.objects.create(slug="do-hanh-trinh-hoc-phan", name="Đo hành trình: học phần")
        _questions(p, module_topic, MODULE_BANK, p.q.Audience.STAFF)
        module_quiz = p.q.Quiz.objects.create(
            slug=f"{MODULE_SLUG}-kiem-tra", title="Kiểm tra học phần đo hành trình", audience=p.q.Audience.STAFF,
            time_limit_seconds=1800, pass_mark_percent=70, attempts_allowed=None,
            review_policy=p.q.ReviewPolicy.IMMEDIATELY)
        p.q.QuizDrawRule.objects.create(quiz=module_quiz, topic=module_topic, count=MODULE_QUESTIONS)
        module = p.t.Module.objects.create(
            slug=MODULE_SLUG, title="Học phần đo hành trình", summary="Ba bài và một bài kiểm tra.",
            audience=p.q.Audience.STAFF, status=p.t.ModuleStatus.PUBLISHED, estimated_minutes=30, quiz=module_quiz)
        p.t.Lesson.objects.bulk_create([
            p.t.Lesson(module=module, order=n + 1, slug=f"bai-{n + 1}", title=title, body=body)
            for n, (title, body) in enumerate(_lesson_texts(root))])
        p.t.Assignment.objects.create(module=module, unit=office, due_date=timezone.localdate() + timedelta(days=30))

    reverse = p.reverse
    return {
        "password": PASSWORD,
        "residents": resident_phones, "staff": staff_phones, "organisers": organiser_phones,
        "right_choice": RIGHT,
        "urls": {
            "hello": "/bench/hello/",
            "login": reverse("accounts:login"),
            "contest": reverse("contests:contest_detail", args=[CONTEST_SLUG]),
            "round_start": reverse("contests:round_start", args=[CONTEST_SLUG, 1]),
            "leaderboard": reverse("contests:leaderboard", args=[CONTEST_SLUG, 1]),
            "participation": reverse("contests:participation", args=[CONTEST_SLUG, 1]),
            "dashboard": reverse("reports:dashboard"),
            "training": reverse("training:module_list"),
            "module": reverse("training:module_detail", args=[MODULE_SLUG]),
            "quiz": reverse("quizzes:quiz_detail", args=[module_quiz.slug]),
            "certificate_prefix": reverse("training:certificate_download", args=["CODE"]).split("CODE")[0],
        },
    }


def verify(acks: list[list]) -> dict:
    """Every acknowledged save ([attempt, item, positions, choice texts], in the order they were
    acknowledged) against AttemptQuestion.selected: the last acknowledged answer of each item
    must be what the database holds, as choice ids (a position is the index in the frozen
    snapshot, which is also the order the page showed: the texts are checked too)."""
    p = _project()
    last: dict[int, list] = {}
    for ack in acks:
        last[ack[1]] = ack
    rows = {pk: (attempt, choices, selected) for pk, attempt, choices, selected in
            p.q.AttemptQuestion.objects.filter(pk__in=list(last)).values_list("pk", "attempt_id", "choices",
                                                                               "selected").iterator()}
    lost, examples = 0, []
    for item, (attempt, item_pk, positions, texts) in last.items():
        row = rows.get(item)
        expected = sorted(row[1][n - 1]["id"] for n in positions) if row else None
        shown = [row[1][n - 1]["text"] for n in positions] if row else None
        if row is None or row[0] != attempt or sorted(row[2]) != expected or shown != texts:
            lost += 1
            if len(examples) < 5:
                examples.append({"attempt": attempt, "item": item_pk, "sent_positions": positions,
                                 "expected_ids": expected, "in_database": sorted(row[2]) if row else None})
    # The bench's own quizzes only: against a cluster (journeys.py --base-url) the database holds more.
    attempts = p.q.Attempt.objects.filter(quiz__slug__in=[f"{CONTEST_SLUG}-tuan-1", f"{MODULE_SLUG}-kiem-tra"])
    standings = p.c.Standing.objects.filter(round__contest__slug=CONTEST_SLUG)
    submitted = attempts.exclude(status=p.q.AttemptStatus.OPEN).count()
    # Every journey is a fresh account taking each quiz once: a second attempt of one person at one
    # quiz, or a second standing in one round, is a start or a grade that happened twice.
    from django.db.models import Count

    twice = (attempts.values("user", "quiz").annotate(n=Count("id")).filter(n__gt=1).count()
             + standings.values("user", "round").annotate(n=Count("id")).filter(n__gt=1).count())
    return {"acknowledged_saves": len(acks), "items_checked": len(last), "lost": lost, "examples": examples,
            "duplicates": twice,
            "attempts": attempts.count(), "attempts_finished": submitted, "standings": standings.count(),
            "certificates": p.t.Certificate.objects.count()}


def count_statements(phone: str) -> dict[str, int]:
    """SQL statements of a resident's steps, in this process through Django's test client (after
    the server stopped): what each request costs the database, beside its time."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    p = _project()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    counts: dict[str, int] = {}

    def run(name: str, method: str, url: str, data: dict | None = None, **headers):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {}, **headers)
        counts[name] = len(queries)
        return response

    run("login (POST)", "post", p.reverse("accounts:login"), {"username": phone, "password": PASSWORD})
    run("round start page (GET)", "get", p.reverse("contests:round_start", args=[CONTEST_SLUG, 1]))
    run("start (POST)", "post", p.reverse("contests:round_start", args=[CONTEST_SLUG, 1]))
    attempt = p.q.Attempt.objects.filter(user__phone=phone).latest("pk")
    run("attempt page (GET)", "get", p.reverse("quizzes:attempt_take", args=[attempt.pk]))
    answer_url = p.reverse("quizzes:attempt_answer", args=[attempt.pk])
    for n, item in enumerate(attempt.items.order_by("position")):
        run(f"save {n + 1} (htmx POST)", "post", answer_url, {"item": item.pk, f"a{item.pk}": "1"},
            HTTP_HX_REQUEST="true")
    counts = {k: v for k, v in counts.items() if not k.startswith("save ") or k.startswith("save 1 ")}
    submit_url = p.reverse("contests:round_submit", args=[attempt.pk])
    run("submit page (GET)", "get", submit_url)
    run("round submit with prediction (POST)", "post", submit_url, {"prediction": "1234", "key": "statements"})
    run("result (GET)", "get", p.reverse("contests:round_result", args=[attempt.pk]))
    run("leaderboard (GET)", "get", p.reverse("contests:leaderboard", args=[CONTEST_SLUG, 1]))
    return counts
