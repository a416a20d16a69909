"""Organiser changes to the question bank: every change is validated here and leaves an audit
entry. Past attempts are untouched by design: an AttemptQuestion holds its own copy of the text
and choices, so these functions may freely rewrite a question."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import User
from quizzes.models import AttemptQuestion, Choice, Question, QuestionStatus, QuestionType, QuizFixedQuestion, Topic

QUESTION_FIELDS = ("topic", "type", "text", "explanation", "difficulty", "audience", "status", "source")
TOPIC_FIELDS = ("slug", "name", "description")


@dataclass(frozen=True)
class ChoiceInput:
    text: str
    is_correct: bool
    id: int | None = None


def choices_check(*, question_type: str, correct_flags: list[bool]) -> list[str]:
    """What is wrong with a question's choices, as messages for the organiser (empty: fine)."""
    errors: list[str] = []
    count, correct = len(correct_flags), sum(1 for flag in correct_flags if flag)
    if count < 2:
        errors.append(_("A question needs at least two choices."))
    if question_type == QuestionType.TRUE_FALSE:
        if count != 2:
            errors.append(_("A true-or-false question has exactly two choices (for example “Đúng” and “Sai”)."))
        if correct != 1:
            errors.append(_("Mark exactly one choice of a true-or-false question as correct."))
    elif question_type == QuestionType.SINGLE:
        if correct != 1:
            errors.append(_("Mark exactly one choice as correct for a single-choice question."))
    elif question_type == QuestionType.MULTIPLE and correct < 2:
        errors.append(_("Mark at least two choices as correct for a multiple-choice question "
                        "(with only one, make it a single-choice question)."))
    return errors


def question_state(question: Question) -> dict[str, Any]:
    """The audited view of a question: its fields and its choices in order."""
    state: dict[str, Any] = {name: getattr(question, name) for name in QUESTION_FIELDS if name != "topic"}
    state["topic"] = question.topic_id
    state["choices"] = [{"text": c.text, "is_correct": c.is_correct}
                        for c in question.choices.order_by("order", "pk")]
    return state


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {"before": {k: before.get(k) for k in changed}, "after": {k: after[k] for k in changed}}


def question_save(*, actor: User, question: Question, choices: list[ChoiceInput]) -> Question:
    """Create or update a question with its choices, atomically.

    `question` carries the new field values (saved or not); `choices` is the full new list in
    display order: items with an `id` of this question's choices are updated, the rest created,
    and the question's other choices deleted.
    """
    problems = choices_check(question_type=question.type, correct_flags=[c.is_correct for c in choices])
    if problems:
        raise ValidationError(problems)
    question.full_clean(exclude=["created_by"])
    with transaction.atomic():
        creating = question.pk is None
        before = {} if creating else question_state(Question.objects.get(pk=question.pk))
        if creating:
            question.created_by = actor
        question.save()
        existing = {c.pk: c for c in question.choices.all()}
        kept: set[int] = set()
        for order, item in enumerate(choices):
            choice = existing.get(item.id) if item.id is not None else None
            if choice is None:
                choice = Choice(question=question)
            else:
                kept.add(choice.pk)
            choice.text, choice.is_correct, choice.order = item.text, item.is_correct, order
            choice.save()
        question.choices.exclude(pk__in=kept).filter(pk__in=existing.keys()).delete()
        after = question_state(question)
        if creating:
            audit_log(actor=actor, action="question.create", obj=question, summary=question.text[:200],
                      data={"after": after})
        else:
            diff = _changes(before, after)
            if diff["after"]:
                audit_log(actor=actor, action="question.update", obj=question, summary=question.text[:200],
                          data=diff)
    return question


def question_set_status(*, actor: User, question: Question, status: str) -> Question:
    """Publish or unpublish (archive). Publishing checks what a published question must have."""
    if status not in QuestionStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == question.status:
        return question
    if status == QuestionStatus.PUBLISHED:
        if not question.source.strip():
            raise ValidationError(_("Add a source reference (document number and article) before publishing."))
        problems = choices_check(question_type=question.type,
                                 correct_flags=[c.is_correct for c in question.choices.all()])
        if problems:
            raise ValidationError(problems)
    with transaction.atomic():
        before = question.status
        question.status = status
        question.save(update_fields=["status", "updated_at"])
        action = "question.publish" if status == QuestionStatus.PUBLISHED else "question.unpublish"
        audit_log(actor=actor, action=action, obj=question, summary=question.text[:200],
                  data={"before": {"status": before}, "after": {"status": status}})
    return question


def question_usage(question: Question) -> dict[str, int]:
    """How many attempts showed this question and how many quizzes list it by hand."""
    return {
        "attempts": AttemptQuestion.objects.filter(question=question).count(),
        "quizzes": QuizFixedQuestion.objects.filter(question=question).count(),
    }


def question_delete(*, actor: User, question: Question) -> None:
    """Delete a question nobody has seen. A question shown in an attempt stays, so that item
    statistics and reviews can still point at it: archive it (set it to draft) instead."""
    usage = question_usage(question)
    if usage["attempts"]:
        raise ValidationError(_("This question was used in %(count)s attempt(s), so it cannot be deleted. "
                                "Archive it instead: a draft question is never drawn again.")
                              % {"count": usage["attempts"]})
    if usage["quizzes"]:
        raise ValidationError(_("This question is in the fixed list of %(count)s quiz(zes). "
                                "Remove it from those quizzes first, or archive it.") % {"count": usage["quizzes"]})
    with transaction.atomic():
        state = question_state(question)
        pk = question.pk
        audit_log(actor=actor, action="question.delete", obj=question, summary=question.text[:200],
                  data={"before": state})
        question.delete()
        question.pk = pk


def topic_slug(name: str) -> str:
    """A URL slug from a Vietnamese name: "Đ" has no ASCII decomposition, so it is mapped by hand."""
    name = name.replace("Đ", "D").replace("đ", "d")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", slugify(ascii_name))[:70] or "chu-de"


def _unique_slug(base: str, exclude_pk: int | None) -> str:
    taken = set(Topic.objects.exclude(pk=exclude_pk).filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def topic_save(*, actor: User, topic: Topic) -> Topic:
    """Create or update a topic; an empty slug is made from the name."""
    if not topic.slug:
        topic.slug = _unique_slug(topic_slug(topic.name), topic.pk)
    topic.full_clean()
    with transaction.atomic():
        creating = topic.pk is None
        before = {} if creating else {f: getattr(Topic.objects.get(pk=topic.pk), f) for f in TOPIC_FIELDS}
        topic.save()
        after = {f: getattr(topic, f) for f in TOPIC_FIELDS}
        if creating:
            audit_log(actor=actor, action="topic.create", obj=topic, summary=topic.name, data={"after": after})
        else:
            diff = _changes(before, after)
            if diff["after"]:
                audit_log(actor=actor, action="topic.update", obj=topic, summary=topic.name, data=diff)
    return topic
