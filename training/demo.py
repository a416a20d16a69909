"""Demo training content: the three modules of fixtures/training/ (module.json + NN-slug.md
lessons), each with its quiz drawn from the demo question bank, assigned to the departments and
organisations of xã Đông Trà Bồng. Runs after quizzes.demo (the bank). Idempotent."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Unit, UnitKind
from quizzes.models import Quiz, QuizDrawRule, ReviewPolicy, Topic
from training.models import Assignment, Lesson, Module, ModuleStatus
from training.services import quiz_audience_for

CONTENT = Path(settings.BASE_DIR) / "fixtures" / "training"
COMMUNE_NAME = "Xã Đông Trà Bồng"
DUE_IN_DAYS = 30
_LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9-]+)\.md$")
# The sources section closes every lesson; it is stored apart and shown under its own heading.
_SOURCES = re.compile(r"^##\s+Nguồn\s*$", re.MULTILINE)


@dataclass(frozen=True)
class LessonText:
    order: int
    slug: str
    title: str
    body: str
    sources: str


def parse_lesson(path: Path) -> LessonText:
    match = _LESSON_FILE.match(path.name)
    if match is None:
        raise CommandError(f"{path}: lesson files are named NN-slug.md")
    text = path.read_text("utf-8").strip()
    first, _newline, rest = text.partition("\n")
    if not first.startswith("# "):
        raise CommandError(f"{path}: the first line must be '# Title'")
    parts = _SOURCES.split(rest, maxsplit=1)
    body = parts[0].strip()
    sources = parts[1].strip() if len(parts) > 1 else ""
    return LessonText(order=int(match[1]), slug=match[2], title=first[2:].strip(), body=body, sources=sources)


def _load_quiz(module_slug: str, audience: str, spec: dict) -> Quiz:
    quiz, _created = Quiz.objects.update_or_create(
        slug=f"hoc-phan-{module_slug}",
        defaults={
            "title": spec["title"],
            "audience": quiz_audience_for(audience),
            "time_limit_seconds": int(spec["time_limit_minutes"]) * 60,
            "pass_mark_percent": int(spec["pass_mark_percent"]),
            "attempts_allowed": spec.get("attempts_allowed"),
            "review_policy": ReviewPolicy.IMMEDIATELY,
        },
    )
    for topic_slug, count in spec["topics"].items():
        topic = Topic.objects.filter(slug=topic_slug).first()
        if topic is None:
            raise CommandError(f"quiz {quiz.slug}: topic {topic_slug!r} is not in the question bank")
        QuizDrawRule.objects.update_or_create(quiz=quiz, topic=topic, defaults={"count": int(count)})
    return quiz


def load_module(folder: Path) -> Module:
    spec = json.loads((folder / "module.json").read_text("utf-8"))
    quiz = _load_quiz(spec["slug"], spec["audience"], spec["quiz"])
    module, _created = Module.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"], "summary": spec["summary"], "audience": spec["audience"],
            "order": spec["order"], "estimated_minutes": spec["estimated_minutes"],
            "status": ModuleStatus.PUBLISHED, "quiz": quiz,
        },
    )
    for path in sorted(folder.glob("*.md")):
        lesson = parse_lesson(path)
        Lesson.objects.update_or_create(
            module=module, slug=lesson.slug,
            defaults={"order": lesson.order, "title": lesson.title, "body": lesson.body, "sources": lesson.sources},
        )
    return module


def assign_demo(modules: list[Module]) -> int:
    """Assign every module to the commune's departments and organisations (not to villages:
    these modules are for civil servants), due in a month from the first load."""
    commune = Unit.objects.filter(name=COMMUNE_NAME).first()
    if commune is None:
        return 0
    units = list(commune.children.exclude(kind=UnitKind.VILLAGE))
    due = timezone.localdate() + timedelta(days=DUE_IN_DAYS)
    made = 0
    for module in modules:
        for unit in units:
            _assignment, created = Assignment.objects.get_or_create(module=module, unit=unit,
                                                                   defaults={"due_date": due})
            made += created
    return made


@transaction.atomic
def load(stdout) -> None:
    folders = sorted(path for path in CONTENT.iterdir() if (path / "module.json").is_file())
    modules = [load_module(folder) for folder in folders]
    lessons = Lesson.objects.filter(module__in=modules).count()
    stdout.write(f"  modules: {len(modules)} ({lessons} lessons)")
    stdout.write(f"  assignments: {assign_demo(modules)} new")
