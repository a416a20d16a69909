"""Builders for import test files (xlsx, docx) and a comparable picture of the bank."""

from __future__ import annotations

import io
from collections.abc import Sequence

from accounts.models import AuditEntry
from quizzes.importers.xlsx import HEADERS
from quizzes.models import Choice, Question, Topic

Run = tuple[str, dict]  # text and its formatting, e.g. ("B. Đúng", {"bold": True})


def make_xlsx(rows: Sequence[Sequence[object] | dict[str, object]], *, headers: Sequence[str] = HEADERS,
              above: Sequence[Sequence[object]] = ()) -> bytes:
    """A workbook with `headers` and one row per item; a dict row is keyed by header."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in above:
        sheet.append(list(row))
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h, "") for h in headers] if isinstance(row, dict) else list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_docx(paragraphs: Sequence[str | Sequence[Run]], *, numbered: Sequence[int] = ()) -> bytes:
    """A document with one paragraph per item: a string, or runs with bold/underline flags.
    Paragraphs whose index is in `numbered` get Word's automatic list numbering."""
    import docx

    document = docx.Document()
    for index, paragraph in enumerate(paragraphs):
        style = "List Number" if index in numbered else None
        p = document.add_paragraph(style=style)
        runs = [(paragraph, {})] if isinstance(paragraph, str) else paragraph
        for text, fmt in runs:
            parts = text.split("\n")  # "\n" becomes a line break (Shift+Enter) inside the paragraph
            for i, part in enumerate(parts):
                run = p.add_run(part)
                run.bold, run.underline = fmt.get("bold"), fmt.get("underline")
                if i < len(parts) - 1:
                    run.add_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_topic(name: str = "Dịch vụ công trực tuyến", slug: str = "dich-vu-cong") -> Topic:
    return Topic.objects.create(name=name, slug=slug)


def db_state() -> tuple[int, int, int, int]:
    """Row counts a failed import must leave untouched."""
    return (Topic.objects.count(), Question.objects.count(), Choice.objects.count(),
            AuditEntry.objects.filter(action="questions.import").count())


def bank_snapshot() -> list[tuple]:
    """Every question with its fields and ordered choices, comparable across imports."""
    rows = []
    for q in Question.objects.select_related("topic").prefetch_related("choices").order_by("topic__name", "pk"):
        choices = tuple((c.text, c.is_correct) for c in sorted(q.choices.all(), key=lambda c: (c.order, c.pk)))
        rows.append((q.topic.name, q.type, q.text, choices, q.explanation, q.difficulty, q.audience, q.source,
                     q.status))
    return rows


def messages(report) -> list[str]:
    return [str(issue) for issue in report.errors]
