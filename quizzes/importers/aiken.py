"""Moodle Aiken: the question on a line, options `A.` or `A)`, then `ANSWER: B`; a blank line
between questions. Lenient where it costs nothing: the question may span several lines before
the first option, `ANSWER: A, C` makes a multiple-answer question, `Đáp án: B` is accepted.
Aiken has no topics: choose one for the whole file (--topic / the import form)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from quizzes.importers import (
    LETTERS,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    decode_text,
    line_location,
    mark_answer,
    text_lines,
)

_OPTION = re.compile(r"^([A-Z])\s*[.)]\s*(.*)$")
_ANSWER = re.compile(r"^(?:ANSWER|ĐÁP ÁN|DAP AN)\s*:\s*(.*)$", re.IGNORECASE)


def parse_aiken(data: bytes) -> ParseResult:
    result = ParseResult()
    question: ParsedQuestion | None = None
    broken = False  # the current question already has a reported error

    def finish() -> None:
        nonlocal question, broken
        if question is not None and not broken:
            result.error(question.location, _("The question has no “ANSWER:” line after its choices."))
        question, broken = None, False

    for number, raw in enumerate(text_lines(decode_text(data)), start=1):
        line = raw.strip()
        if not line:
            if question is not None and not question.choices:
                continue  # a blank line inside a question's text is harmless
            finish()
            continue
        if question is None:
            question = ParsedQuestion(location=line_location(number))
        answer = _ANSWER.match(line)
        if answer:
            if not broken:
                mark_answer(question, answer.group(1), result, location=line_location(number))
                result.questions.append(question)
            question, broken = None, False
            continue
        option = _OPTION.match(line)
        if option and (question.text or question.choices):
            expected = LETTERS[len(question.choices)] if len(question.choices) < len(LETTERS) else None
            if option.group(1) != expected:
                if not broken:
                    result.error(line_location(number), _("Choice %(letter)s is out of order: expected %(expected)s.")
                                 % {"letter": option.group(1), "expected": expected or "—"})
                broken = True
                continue
            question.choices.append(ParsedChoice(option.group(2).strip()))
            continue
        if question.choices:
            if not broken:
                result.error(line_location(number), _("This line is neither a choice (A. …) nor the ANSWER: line. "
                                                      "Separate questions with a blank line."))
            broken = True
            continue
        question.text = f"{question.text}\n{line}".strip()
    finish()
    return result
