"""`questions_import`: parse a question file, validate it, and save it all or nothing.

Used by the organiser's import page, `manage.py import_questions` and the demo loader. Bad
input never raises: the report carries the errors (location + Vietnamese message) and nothing
is written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import User
from quizzes.importers import (
    ImportFileError,
    ImportIssue,
    TopicSpec,
    detect_format,
    file_location,
    parse,
    unaccent,
)
from quizzes.importers.validation import ValidQuestion, validate
from quizzes.models import Choice, Question, QuestionStatus, QuestionType, Topic

PREVIEW_SIZE = 20


@dataclass
class TopicCount:
    topic: str
    type: str
    count: int


@dataclass
class ImportReport:
    format: str
    dry_run: bool
    questions: list[ValidQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    skipped: list[ImportIssue] = field(default_factory=list)
    counts: list[TopicCount] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)
    created: int = 0  # questions written (0 on a dry run or on errors)
    existing: int = 0  # left out because the same text is already in the topic (skip_existing)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def preview(self) -> list[ValidQuestion]:
        return self.questions[:PREVIEW_SIZE]


def topic_slug(name: str) -> str:
    # "76/NQ-CP" must give "76-nq-cp", not slugify's "76nq-cp".
    return slugify(re.sub(r"[^\w\s-]", " ", unaccent(name)))[:80].strip("-") or "chu-de"


def _read(source: bytes | str | Path | IO[bytes]) -> tuple[bytes, str]:
    limit = settings.UPLOAD_MAX_BYTES
    too_big = _("The file is too large (%(size).1f MB; at most %(max).1f MB).")
    if isinstance(source, bytes):
        data, name = source, ""
    elif isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > limit:
            raise ImportFileError(too_big % {"size": size / 2**20, "max": limit / 2**20})
        data, name = path.read_bytes(), path.name
    else:
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise ImportFileError(too_big % {"size": size / 2**20, "max": limit / 2**20})
        if hasattr(source, "seek"):
            source.seek(0)
        data, name = source.read(limit + 1), getattr(source, "name", "") or ""
    if len(data) > limit:
        raise ImportFileError(too_big % {"size": len(data) / 2**20, "max": limit / 2**20})
    if not data:
        raise ImportFileError(_("The file is empty."))
    return data, str(name)


class _Topics:
    """Finds the topic each question names: by slug, then by name, then by the name's slug;
    an unknown name becomes a new topic (created only when the import is saved)."""

    def __init__(self, specs: list[TopicSpec]) -> None:
        self.specs = {spec.slug: spec for spec in specs}
        self.existing = list(Topic.objects.all())
        self.by_slug = {t.slug: t for t in self.existing}
        self.by_name: dict[str, Topic] = {}
        for t in self.existing:
            self.by_name.setdefault(" ".join(t.name.casefold().split()), t)
        self.new: dict[str, Topic] = {}  # slug -> unsaved topic

    def find(self, value: str) -> Topic:
        if value in self.by_slug:
            return self.by_slug[value]
        if value in self.specs:
            spec = self.specs[value]
            return self._new(spec.slug, spec.name or spec.slug, spec.description)
        named = self.by_name.get(" ".join(value.casefold().split()))
        if named is not None:
            return named
        slug = topic_slug(value)
        return self.by_slug.get(slug) or self._new(slug, value)

    def _new(self, slug: str, name: str, description: str = "") -> Topic:
        if slug not in self.new:
            self.new[slug] = Topic(slug=slug, name=name, description=description)
        return self.new[slug]


def _report_counts(questions: list[ValidQuestion], topic_of: dict[int, Topic]) -> list[TopicCount]:
    counter = Counter((topic_of[i].name, QuestionType(q.type).label) for i, q in enumerate(questions))
    return [TopicCount(str(t), str(k), n) for (t, k), n in sorted(counter.items())]


def questions_import(*, source: bytes | str | Path | IO[bytes], format: str | None = None,
                     topic: Topic | str | None = None, dry_run: bool = False, actor: User | None = None,
                     filename: str = "", skip_existing: bool = False) -> ImportReport:
    """Import questions from `source` (bytes, a path or an uploaded file).

    `format` is one of xlsx, docx, gift, aiken, json, or None to guess it from the file name.
    `topic` (a Topic or a slug) puts every question in that topic, overriding the file's own.
    `skip_existing` leaves out questions whose text is already in their topic (the demo loader).
    Writes nothing on a dry run or when there is any error; records an audit entry otherwise.
    """
    report = ImportReport(format=format or "", dry_run=dry_run)
    try:
        data, name = _read(source)
        report.format = format or detect_format(filename or name, data) or ""
        if not report.format:
            raise ImportFileError(_("Cannot tell the file's format from its name; choose xlsx, docx, gift or aiken."))
        result = parse(data, report.format)
    except ImportFileError as exc:
        report.errors.append(ImportIssue(file_location(), str(exc)))
        return report

    default_status = QuestionStatus.PUBLISHED if report.format == "json" else QuestionStatus.DRAFT
    valid = validate(result, default_status=default_status)
    report.errors, report.skipped = result.errors, result.skipped

    fixed_topic: Topic | None = None
    if isinstance(topic, Topic):
        fixed_topic = topic
    elif topic:
        fixed_topic = Topic.objects.filter(slug=topic).first()
        if fixed_topic is None:
            report.errors.insert(0, ImportIssue(file_location(), _("There is no topic with the code “%(slug)s”.")
                                                % {"slug": topic}))
            return report
    if not valid and not report.errors:
        report.errors.append(ImportIssue(file_location(), _("The file contains no question to import.")))
    if fixed_topic is None and valid and not any(q.topic for q in valid):
        report.errors.append(ImportIssue(file_location(), _(
            "No topic is given. Choose a topic for the whole file, or name one in the file "
            "(the Chủ đề column or line, or $CATEGORY: in GIFT).")))
        return report

    topics = _Topics(result.topics)
    topic_of: dict[int, Topic] = {}
    for index, question in enumerate(valid):
        if fixed_topic is not None:
            topic_of[index] = fixed_topic
        elif question.topic:
            topic_of[index] = topics.find(question.topic)
        else:
            report.errors.append(ImportIssue(question.location, _(
                "The question has no topic: fill in its Chủ đề, or choose a topic for the whole file.")))
    if report.errors:
        return report

    if skip_existing:
        known = set(Question.objects.filter(topic__in=topics.existing).values_list("topic__slug", "text"))
        keep = [i for i, q in enumerate(valid) if (topic_of[i].slug, q.text) not in known]
        report.existing = len(valid) - len(keep)
        valid = [valid[i] for i in keep]
        topic_of = {new: topic_of[old] for new, old in enumerate(keep)}

    report.questions = valid
    report.counts = _report_counts(valid, topic_of)
    used_new = {t.slug: t for t in topic_of.values() if t.pk is None}
    report.topics_created = sorted(t.name for t in used_new.values())
    if dry_run or not valid:
        return report

    with transaction.atomic():
        for new in used_new.values():
            saved, _created = Topic.objects.get_or_create(
                slug=new.slug, defaults={"name": new.name, "description": new.description})
            new.pk = saved.pk
        author = actor if actor is not None and actor.is_authenticated else None
        rows = [Question(topic_id=topic_of[i].pk, type=q.type, text=q.text, explanation=q.explanation,
                         difficulty=q.difficulty, audience=q.audience, source=q.source, status=q.status,
                         created_by=author) for i, q in enumerate(valid)]
        Question.objects.bulk_create(rows, batch_size=500)
        Choice.objects.bulk_create(
            [Choice(question_id=row.pk, text=c.text, is_correct=c.correct, order=order)
             for row, q in zip(rows, valid, strict=True) for order, c in enumerate(q.choices)],
            batch_size=1000,
        )
        report.created = len(rows)
        audit_log(actor=actor, action="questions.import",
                  summary=_("Imported %(count)d questions (%(format)s) %(name)s")
                  % {"count": len(rows), "format": report.format, "name": filename or name},
                  data={"format": report.format, "file": filename or name, "created": len(rows),
                        "topics_created": report.topics_created, "skipped": len(report.skipped),
                        "existing": report.existing})
    return report
