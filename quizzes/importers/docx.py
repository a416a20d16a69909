"""Word (.docx): the way organisers draft question sets.

    Chủ đề: Dịch vụ công trực tuyến          (optional; applies to the questions below it)
    Câu 1: Question text …                   (or "Câu 1." ; may continue on following paragraphs)
    A. choice                                (or "A)"; Word's automatic list numbering also works)
    B. choice *                              (correct: trailing *, or bold, or underlined)
    Đáp án: B                                (optional; "A, C" makes it multiple choice; wins over marks)
    Giải thích: …   Nguồn: …   Độ khó: …   Đối tượng: …   Trạng thái: …   Loại: …

Text before the first "Câu" (a title, instructions) is ignored. Tables are not read.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quizzes.importers import (
    LETTERS,
    ImportFileError,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    keyword,
    mark_answer,
    open_zip_check,
    question_location,
)

_QUESTION = re.compile(r"^(?:câu|cau|question)\s*(\d{1,5})\s*[:.)\-–]\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OPTION = re.compile(r"^([A-Fa-f])\s*[.)]\s*(.*)$", re.DOTALL)
_META = {
    "dap an": "answer", "dap an dung": "answer", "answer": "answer",
    "giai thich": "explanation", "nguon": "source", "can cu": "source",
    "do kho": "difficulty", "muc do": "difficulty", "chu de": "topic", "doi tuong": "audience",
    "trang thai": "status", "loai": "type", "loai cau hoi": "type",
}
_MAX_PARAGRAPHS = 200_000


@dataclass
class _Line:
    text: str
    marked: bool  # most of its visible characters are bold or underlined
    numbered: bool  # a paragraph of a Word automatic list (its letter is not in the text)


@dataclass
class _Draft:
    question: ParsedQuestion
    marks: list[bool] = field(default_factory=list)
    answer: str = ""
    last_field: str = "text"


def _run_marked(run) -> bool:
    from docx.enum.text import WD_UNDERLINE

    underline = run.underline
    if run.bold or (underline not in (None, False, WD_UNDERLINE.NONE, WD_UNDERLINE.INHERITED)):
        return True
    style = run.style
    return bool(style is not None and style.font is not None and (style.font.bold or style.font.underline))


def _numbered(paragraph) -> bool:
    """Word's automatic list numbering, set on the paragraph or inherited from its style."""
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return True
    style, depth = paragraph.style, 0
    while style is not None and depth < 10:
        properties = style.element.pPr
        if properties is not None and properties.numPr is not None:
            return True
        style, depth = style.base_style, depth + 1
    return False


def _paragraph_runs(paragraph):
    from docx.text.hyperlink import Hyperlink

    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


def _lines(data: bytes) -> list[_Line]:
    import docx

    open_zip_check(data, _("The file is not a valid Word .docx file (it is damaged or in another format; "
                           "an old .doc must be saved again as .docx)."))
    lines: list[_Line] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for number, paragraph in enumerate(document.paragraphs):
            if number > _MAX_PARAGRAPHS:
                raise ImportFileError(_("The document is too long; split it into smaller files."))
            numbered = _numbered(paragraph)
            # A line break (Shift+Enter) inside a paragraph starts a new line, like a new paragraph.
            pieces: list[list[int | str]] = [["", 0]]
            for run in _paragraph_runs(paragraph):
                marked = _run_marked(run)
                for i, part in enumerate(run.text.split("\n")):
                    if i:
                        pieces.append(["", 0])
                    pieces[-1][0] += part
                    if marked:
                        pieces[-1][1] += len(part.strip())
            for i, (text, marked_chars) in enumerate(pieces):
                visible = len(str(text).strip())
                lines.append(_Line(str(text), visible > 0 and int(marked_chars) * 2 >= visible, numbered and i == 0))
    except ImportFileError:
        raise
    except Exception:  # python-docx raises many kinds of errors on damaged files
        raise ImportFileError(_("The Word file is damaged and cannot be read. Open it in Word, "
                                "save it again as .docx and import it again.")) from None
    return lines


def _finish(draft: _Draft | None, result: ParseResult) -> None:
    if draft is None:
        return
    question = draft.question
    if draft.answer:
        mark_answer(question, draft.answer, result)
    else:
        for choice, marked in zip(question.choices, draft.marks, strict=True):
            choice.correct = choice.correct or marked
    result.questions.append(question)


def parse_docx(data: bytes) -> ParseResult:
    result = ParseResult()
    topic = ""
    draft: _Draft | None = None
    for line in _lines(data):
        text = line.text.strip()
        if not text:
            continue
        start = _QUESTION.match(text)
        if start:
            _finish(draft, result)
            draft = _Draft(ParsedQuestion(location=question_location(start.group(1)), text=start.group(2).strip(),
                                          topic=topic))
            continue
        label, colon, value = text.partition(":")
        meta = _META.get(keyword(label)) if colon and len(label) <= 30 else None
        if meta == "topic":
            _finish(draft, result)
            draft = None
            topic = value.strip()
            continue
        if draft is None:
            continue  # title and instructions before the first question
        question = draft.question
        if meta == "answer":
            draft.answer = value.strip()
            draft.last_field = meta
            continue
        if meta:
            setattr(question, meta, value.strip())
            draft.last_field = meta
            continue
        option = _OPTION.match(text)
        if option or (line.numbered and (question.text or question.choices)):
            expected = LETTERS[len(question.choices)] if len(question.choices) < len(LETTERS) else None
            letter = option.group(1).upper() if option else expected
            body = option.group(2).strip() if option else text
            if letter != expected:
                result.error(question.location, _("Choice %(letter)s is out of order: expected %(expected)s.")
                             % {"letter": letter, "expected": expected or "—"})
                question.answer_reported = True
                continue
            starred = body.endswith("*")
            question.choices.append(ParsedChoice(body.rstrip("*").strip(), starred))
            draft.marks.append(line.marked)
            draft.last_field = "choice"
            continue
        if draft.last_field == "text" and not question.choices:
            question.text = f"{question.text}\n{text}".strip()
        elif draft.last_field == "explanation":
            question.explanation = f"{question.explanation}\n{text}"
        else:
            result.error(question.location, _("Cannot understand the paragraph “%(text)s”: after the choices "
                                              "only Đáp án, Giải thích, Nguồn, Độ khó, Đối tượng, Trạng thái "
                                              "or Loại lines may follow.") % {"text": text[:60]})
            question.answer_reported = True
    _finish(draft, result)
    if not result.questions and not result.errors:
        raise ImportFileError(_("No question was found. Each question starts with “Câu 1:” (or “Câu 1.”) "
                                "on its own line."))
    return result
