"""The demo bank's JSON (fixtures/question_bank.json):
{"topics": [{slug, name, description}],
 "questions": [{topic (a slug), type, text, choices: [{text, correct}], explanation, difficulty, audience,
                source, status?}]}
Values are the model's own codes ("single", "easy", "staff"); Vietnamese labels work too."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from quizzes.importers import (
    ImportFileError,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    TopicSpec,
    decode_text,
    question_location,
)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def parse_json_bank(data: bytes) -> ParseResult:
    try:
        document = json.loads(decode_text(data))
    except (ValueError, RecursionError):
        raise ImportFileError(_("The file is not valid JSON.")) from None
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise ImportFileError(_("The JSON file needs a “questions” list."))
    result = ParseResult()
    for number, topic in enumerate(document.get("topics") or [], start=1):
        if not isinstance(topic, dict) or not _text(topic.get("slug")).strip():
            result.error(pgettext("import location", "Topic %(number)d") % {"number": number},
                         _("A topic needs a slug and a name."))
            continue
        result.topics.append(TopicSpec(_text(topic["slug"]).strip(), _text(topic.get("name")).strip(),
                                       _text(topic.get("description")).strip()))
    for number, item in enumerate(document["questions"], start=1):
        question = ParsedQuestion(location=question_location(number))
        if not isinstance(item, dict):
            result.error(question.location, _("Each question must be a JSON object."))
            continue
        for name in ("text", "type", "topic", "explanation", "difficulty", "audience", "source", "status"):
            setattr(question, name, _text(item.get(name)))
        choices = item.get("choices") or []
        if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
            result.error(question.location, _("“choices” must be a list of {text, correct} objects."))
            continue
        question.choices = [ParsedChoice(_text(c.get("text")), c.get("correct") is True) for c in choices]
        result.questions.append(question)
    return result
