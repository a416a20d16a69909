"""Excel (.xlsx): one question per row under a header row; the layout the template and the
exporter write (COLUMNS). Headers are matched leniently (case, diacritics, English names)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from quizzes.importers import (
    LETTERS,
    MAX_QUESTIONS,
    ImportFileError,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    keyword,
    line_location,
    mark_answer,
    open_zip_check,
)

# (field, header written in the template, other accepted headers)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("topic", "Chủ đề", ("topic", "chuyên đề")),
    ("text", "Câu hỏi", ("question", "nội dung", "nội dung câu hỏi")),
    ("type", "Loại", ("type", "loại câu hỏi", "kiểu")),
    *[(letter, letter, (f"đáp án {letter}", f"phương án {letter}", f"lựa chọn {letter}")) for letter in LETTERS],
    ("correct", "Đáp án đúng", ("đáp án", "correct", "answer", "đúng")),
    ("explanation", "Giải thích", ("explanation",)),
    ("difficulty", "Độ khó", ("difficulty", "mức độ")),
    ("audience", "Đối tượng", ("audience",)),
    ("source", "Nguồn", ("source", "căn cứ", "nguồn trích dẫn")),
    ("status", "Trạng thái", ("status",)),
]
HEADERS = [header for _field, header, _aliases in COLUMNS]
SHEET_TITLE = "Câu hỏi"
_HEADER_LOOKUP = {keyword(alias): f for f, header, aliases in COLUMNS for alias in (header, *aliases)}
# Rows read before giving up on a sheet that is mostly empty formatting.
_MAX_ROWS = MAX_QUESTIONS * 4


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _open_rows(data: bytes):
    from openpyxl import load_workbook

    open_zip_check(data, _("The file is not a valid Excel .xlsx file (it is damaged or in another format; "
                           "an old .xls must be saved again as .xlsx)."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = book.sheetnames
        sheet = book[SHEET_TITLE] if SHEET_TITLE in names else book.worksheets[0]
        rows = [tuple(row) for _i, row in zip(range(_MAX_ROWS), sheet.iter_rows(values_only=True), strict=False)]
        book.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise ImportFileError(_("The Excel file is damaged and cannot be read. Open it in Excel, "
                                "save it again as .xlsx and import it again.")) from None
    return rows


def parse_xlsx(data: bytes) -> ParseResult:
    rows = _open_rows(data)
    result = ParseResult()
    header_index = None
    columns: dict[str, int] = {}
    # Organisers sometimes put a title above the header; look for it in the first rows.
    for index, row in enumerate(rows[:10]):
        found = {}
        for position, value in enumerate(row):
            name = _HEADER_LOOKUP.get(keyword(cell_text(value)))
            if name and name not in found:
                found[name] = position
        if "text" in found:
            header_index, columns = index, found
            break
    if header_index is None:
        raise ImportFileError(_("No header row with a “Câu hỏi” column was found. Use the template from the "
                                "question bank page."))
    if "correct" not in columns:
        raise ImportFileError(_("The header row has no “Đáp án đúng” column."))

    def get(row: tuple, name: str) -> str:
        position = columns.get(name)
        if position is None or position >= len(row):
            return ""
        return cell_text(row[position])

    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(cell_text(v) for v in row):
            continue
        question = ParsedQuestion(
            location=line_location(index + 1),
            text=get(row, "text"), type=get(row, "type"), topic=get(row, "topic"),
            explanation=get(row, "explanation"), difficulty=get(row, "difficulty"),
            audience=get(row, "audience"), source=get(row, "source"), status=get(row, "status"),
        )
        options = [get(row, letter) for letter in LETTERS]
        last = max((i for i, text in enumerate(options) if text), default=-1)
        gap = next((LETTERS[i] for i in range(last) if not options[i]), None)
        if gap:
            result.error(question.location, _("Choice %(letter)s is empty but a later choice is filled in; "
                                              "fill the choices from A without gaps.") % {"letter": gap})
            question.answer_reported = True
        question.choices = [ParsedChoice(text) for text in options[: last + 1]]
        answer = get(row, "correct")
        if answer:
            mark_answer(question, answer, result)
        result.questions.append(question)
    return result
