"""Moodle GIFT, as Moodle's own importer reads it (question/format/gift/format.php):
questions separated by blank lines, `//` comment lines, `$CATEGORY: a/b/topic`, `::title::`,
`[markdown]`-style format markers, escapes `\\~ \\= \\# \\{ \\} \\: \\\\ \\n`, `=` right and `~`
wrong choices, `~%50%` weights (positive = correct), `{T}`/`{F}`/`{TRUE}`/`{FALSE}`, per-answer
`#feedback` (dropped) and `####general feedback` (the explanation).

Our additions, invisible to Moodle because they are comments: lines such as `// Nguồn: …`,
`// Độ khó: dễ`, `// Đối tượng: …`, `// Trạng thái: …`, `// Loại: …` directly above a question
carry the fields GIFT has no place for (the exporter writes them, so export → import is lossless).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from quizzes.importers import (
    FALSE_TEXT,
    TRUE_TEXT,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    decode_text,
    keyword,
    line_location,
    text_lines,
)

# Escaped characters become placeholders while the structure is parsed: Unicode noncharacters
# U+FDD0-FDD7, which text meant for interchange never contains (stripped from the input first).
_ESCAPES = {"\\": "\ufdd0", "~": "\ufdd1", "=": "\ufdd2", "#": "\ufdd3", "{": "\ufdd4", "}": "\ufdd5",
            ":": "\ufdd6", "n": "\ufdd7"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_PRIVATE = re.compile("[\ufdd0-\ufdd7]")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_FORMAT = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:[.,]\d*)?)\s*%")
_META = {"nguon": "source", "do kho": "difficulty", "doi tuong": "audience", "trang thai": "status",
         "loai": "type"}
SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Text as GIFT writes it (the exporter's half of `_unescape`)."""
    out = "".join(f"\\{c}" if c in SPECIAL else c for c in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _protect(text: str) -> str:
    text = _PRIVATE.sub("", text)
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _unescape(text: str) -> str:
    return _PRIVATE.sub(lambda m: _RESTORE[m.group(0)], text)


def _plain(text: str) -> str:
    return _unescape(_FORMAT.sub("", text, count=1)).strip()


def _category(path: str) -> str:
    # "$course$/top/Nghị quyết 76//NQ-CP": "/" separates, "//" is a slash inside a name.
    segments = [s.strip() for s in re.split(r"(?<!/)/(?!/)", path.strip())]
    segments = [s for s in segments if s]
    return _unescape(segments[-1].replace("//", "/")) if segments else ""


def _blocks(text: str):
    """Yield (first line number, content lines, comment lines) per blank-line-separated block."""
    content: list[str] = []
    comments: list[str] = []
    first = 0
    for number, line in enumerate(text_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            if content:
                yield first, content, comments
            content, comments = [], []
            continue
        if stripped.startswith("//"):
            if not content:
                comments.append(stripped[2:])
            continue
        if not content:
            first = number
        content.append(stripped)
    if content:
        yield first, content, comments


def parse_gift(data: bytes) -> ParseResult:
    result = ParseResult()
    topic = ""
    for first, lines, comments in _blocks(decode_text(data)):
        where = line_location(first)
        if lines[0].startswith("$CATEGORY:"):
            topic = _category(_protect(lines[0][len("$CATEGORY:"):]))
            if not topic:
                result.error(where, _("The category line names no topic."))
            lines = lines[1:]
            if not lines:
                continue
        question = ParsedQuestion(location=where, topic=topic)
        for comment in comments:
            label, colon, value = comment.partition(":")
            field = _META.get(keyword(label)) if colon else None
            if field:
                setattr(question, field, value.strip())
        _parse_question(_protect("\n".join(lines)), question, result)
    return result


def _parse_question(text: str, question: ParsedQuestion, result: ParseResult) -> None:
    where = question.location
    if text.startswith("::"):
        end = text.find("::", 2)
        text = text[end + 2:] if end >= 0 else text[2:]
        text = text.strip()
    start = text.find("{")
    end = text.find("}", start + 1) if start >= 0 else -1
    if start < 0 and "}" not in text:
        result.skip(where, _("A description without answers is not a question; it was skipped."))
        return
    if start < 0 or end < 0:
        result.error(where, _("An answer block must be enclosed in { and }; one of the braces is missing."))
        return
    after = text[end + 1:].strip()
    if "{" in after or "}" in after or "}" in text[:start]:
        result.error(where, _("The question has more than one { } block, or a stray brace. Write a brace that "
                              "belongs to the text as \\{ or \\}."))
        return
    body = text[:start].strip()
    question.text = _plain(f"{body} _____ {after}" if after else body)
    answers = text[start + 1:end].strip()
    feedback_at = answers.rfind("####")
    if feedback_at >= 0:
        question.explanation = _plain(answers[feedback_at + 4:])
        answers = answers[:feedback_at].strip()

    if not answers:
        result.skip(where, _("Essay questions are not supported; skipped."))
        return
    if answers.startswith("#"):
        result.skip(where, _("Numerical questions are not supported; skipped."))
        return
    if "~" not in answers:
        if "=" in answers and "->" in answers:
            result.skip(where, _("Matching questions are not supported; skipped."))
            return
        word = answers.split("#", 1)[0].strip().upper()
        if word in ("T", "TRUE", "F", "FALSE"):
            truth = word.startswith("T")
            question.type = question.type or "true_false"
            question.choices = [ParsedChoice(TRUE_TEXT, truth), ParsedChoice(FALSE_TEXT, not truth)]
            result.questions.append(question)
            return
        result.skip(where, _("Short-answer questions are not supported; skipped."))
        return

    items = re.split(r"(?=[=~])", answers)
    if items[0].strip():
        result.error(where, _("The text “%(text)s” stands before the first = or ~ inside { }.")
                     % {"text": _unescape(items[0].strip())[:40]})
        return
    for item in items[1:]:
        correct = item.startswith("=")
        rest = item[1:].strip()
        weight = _WEIGHT.match(rest)
        if weight:
            rest = rest[weight.end():]
            correct = correct or float(weight.group(1).replace(",", ".") or 0) > 0
        rest = rest.split("#", 1)[0]  # per-answer feedback is not kept
        question.choices.append(ParsedChoice(_plain(rest), correct))
    result.questions.append(question)
