"""The one validation of every import format: the model's rules applied to each parsed question,
each problem recorded under its line, row or question number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quizzes import importers
from quizzes.importers import (
    AUDIENCE_LABELS,
    DIFFICULTY_LABELS,
    FALSE_WORDS,
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_SOURCE_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TOPIC_LENGTH,
    STATUS_LABELS,
    TRUE_WORDS,
    TYPE_LABELS,
    ImportIssue,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    clean_text,
    file_location,
    keyword,
)
from quizzes.models import Audience, Difficulty, QuestionStatus, QuestionType


def _lookup(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {}
    for value, words in labels.items():
        table[keyword(value)] = value
        for word in words:
            table[keyword(word)] = value
    return table


_TYPES = _lookup(TYPE_LABELS)
_DIFFICULTIES = _lookup(DIFFICULTY_LABELS)
_AUDIENCES = _lookup(AUDIENCE_LABELS)
_STATUSES = _lookup(STATUS_LABELS)


@dataclass
class ValidQuestion:
    """A question that passed validation, with model values."""

    location: str
    text: str
    type: str
    choices: list[ParsedChoice]
    topic: str
    explanation: str
    difficulty: str
    audience: str
    source: str
    status: str


def _is_true_false_pair(choices: list[ParsedChoice]) -> bool:
    words = [keyword(c.text) for c in choices]
    return len(words) == 2 and words[0] in TRUE_WORDS | FALSE_WORDS and words[1] in TRUE_WORDS | FALSE_WORDS \
        and (words[0] in TRUE_WORDS) != (words[1] in TRUE_WORDS)


def validate_question(parsed: ParsedQuestion, result: ParseResult, *, default_status: str) -> ValidQuestion | None:
    """Apply the model's rules to one parsed question; record each problem under its location."""
    where = parsed.location
    problems: list[str] = []

    text = clean_text(parsed.text)
    if not text:
        problems.append(_("The question has no text."))
    elif len(text) > MAX_TEXT_LENGTH:
        problems.append(_("The question text is too long (%(length)d characters, at most %(max)d).")
                        % {"length": len(text), "max": MAX_TEXT_LENGTH})

    def choose(raw: str, table: dict[str, str], default: str, message: str) -> str:
        raw = clean_text(raw)
        if not raw:
            return default
        value = table.get(keyword(raw))
        if value is None:
            problems.append(message % {"value": raw})
            return default
        return value

    qtype = choose(parsed.type, _TYPES, "", _(
        "Unknown question type “%(value)s”: write một đáp án, nhiều đáp án or đúng sai."))
    difficulty = choose(parsed.difficulty, _DIFFICULTIES, Difficulty.MEDIUM, _(
        "Unknown difficulty “%(value)s”: write dễ, trung bình or khó."))
    audience = choose(parsed.audience, _AUDIENCES, Audience.BOTH, _(
        "Unknown audience “%(value)s”: write cán bộ, người dân or tất cả."))
    status = choose(parsed.status, _STATUSES, default_status, _(
        "Unknown status “%(value)s”: write nháp or đã xuất bản."))

    choices = [ParsedChoice(clean_text(c.text), c.correct) for c in parsed.choices]
    if any(not c.text for c in choices) and not parsed.answer_reported:
        problems.append(_("A choice has no text."))
    for c in choices:
        if len(c.text) > MAX_CHOICE_LENGTH:
            problems.append(_("A choice is too long (%(length)d characters, at most %(max)d).")
                            % {"length": len(c.text), "max": MAX_CHOICE_LENGTH})
            break
    seen: set[str] = set()
    for c in choices:
        key = " ".join(c.text.casefold().split())
        if key and key in seen:
            problems.append(_("The choice “%(text)s” appears twice.") % {"text": c.text[:80]})
            break
        seen.add(key)

    correct = sum(c.correct for c in choices)
    if not qtype:
        if _is_true_false_pair(choices):
            qtype = QuestionType.TRUE_FALSE
        else:
            qtype = QuestionType.MULTIPLE if correct > 1 else QuestionType.SINGLE

    if parsed.answer_reported:
        pass
    elif qtype == QuestionType.TRUE_FALSE:
        if not choices:
            problems.append(_("A true/false question needs its answer (Đúng or Sai)."))
        elif len(choices) != 2:
            problems.append(_("A true/false question has exactly two choices, such as Đúng and Sai."))
        elif correct != 1:
            problems.append(_("Mark exactly one of the two choices of a true/false question as correct."))
    else:
        if not 2 <= len(choices) <= MAX_CHOICES:
            problems.append(_("A question needs 2 to %(max)d choices; this one has %(count)d.")
                            % {"max": MAX_CHOICES, "count": len(choices)})
        elif correct == 0:
            problems.append(_("No choice is marked as the correct answer."))
        elif qtype == QuestionType.SINGLE and correct > 1:
            problems.append(_("A single-answer question has exactly one correct choice; %(count)d are marked.")
                            % {"count": correct})
        elif qtype == QuestionType.MULTIPLE and correct < 2:
            problems.append(_("A multiple-answer question needs at least two correct choices."))

    explanation = clean_text(parsed.explanation)
    if len(explanation) > MAX_TEXT_LENGTH:
        problems.append(_("The explanation is too long (%(length)d characters, at most %(max)d).")
                        % {"length": len(explanation), "max": MAX_TEXT_LENGTH})
    source = clean_text(parsed.source)
    if len(source) > MAX_SOURCE_LENGTH:
        problems.append(_("The source reference is too long (%(length)d characters, at most %(max)d).")
                        % {"length": len(source), "max": MAX_SOURCE_LENGTH})
    if status == QuestionStatus.PUBLISHED and not source:
        problems.append(_("A published question needs a source reference (document number and article)."))
    topic = " ".join(clean_text(parsed.topic).split())
    if len(topic) > MAX_TOPIC_LENGTH:
        problems.append(_("The topic name is too long (%(length)d characters, at most %(max)d).")
                        % {"length": len(topic), "max": MAX_TOPIC_LENGTH})

    for message in problems:
        result.error(where, message)
    if problems or parsed.answer_reported:
        return None
    return ValidQuestion(where, text, qtype, choices, topic, explanation, difficulty, audience, source, status)


def validate(result: ParseResult, *, default_status: str = QuestionStatus.DRAFT) -> list[ValidQuestion]:
    limit = importers.MAX_QUESTIONS  # read when called: a test lowers it
    if len(result.questions) + len(result.skipped) > limit:
        result.error(file_location(), _("The file has more than %(max)d questions; split it into smaller files.")
                     % {"max": limit})
        return []
    valid = []
    for parsed in result.questions:
        question = validate_question(parsed, result, default_status=default_status)
        if question is not None:
            valid.append(question)
    # Parsers report some problems before validation sees the question: list them in file order.
    result.errors.sort(key=_location_order)
    result.skipped.sort(key=_location_order)
    return valid


def _location_order(issue: ImportIssue) -> int:
    number = re.search(r"\d+", issue.location)
    return int(number.group()) if number else 0
