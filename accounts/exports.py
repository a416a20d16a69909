"""The one writer for every export (STYLE.md habit 11): an exporter yields rows of typed values
under Vietnamese column headers; this module turns them into .xlsx or .csv and into a download.

It sits in accounts, the bottom layer, so training/, quizzes/ and reports/ can all use it
without breaking the import direction; and because an export of personal data is recorded in
the audit log, which lives here too.

- .xlsx: bold header row, frozen, column widths from the content, dates as real date cells shown
  dd/mm/yyyy, numbers as numbers.
- .csv: UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly; dates dd/mm/yyyy.
- Text people typed (names, positions, unit names) is never a formula: in .xlsx a text cell that
  starts like one is written as text with Excel's leading-apostrophe mark, in .csv it gets a
  leading apostrophe (OWASP "CSV injection"), so opening an export cannot run =HYPERLINK, DDE, ….
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.audit import audit_log

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60
# What spreadsheet programs read as the start of a formula (tab and CR too: some strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """What an exporter returns: a sheet title, the header labels and the rows."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _cell(value: Any) -> Any:
    """A value openpyxl writes as the right cell type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        # Excel has no time zones: write the local wall-clock time people expect to read.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (str, int, float, date)):
        return value
    return str(value)


def _text(value: Any) -> str:
    """A value as it reads in a CSV cell (and as its width is measured)."""
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def table_to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31] or "Sheet1"
    headers = [str(header) for header in table.headers]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(header) for header in headers]
    for row in table.rows:
        values = [_cell(value) for value in row]
        sheet.append(values)
        for index, cell in enumerate(sheet[sheet.max_row]):
            if _formula_like(values[index] if index < len(values) else None):
                # openpyxl stores any text starting with "=" as a formula: keep it text.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            if index < len(widths):
                widths[index] = max(widths[index], len(_text(values[index])))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_safe(text: str) -> str:
    """Typed text for a CSV cell: a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if _formula_like(text) else text


def _csv_text(value: Any) -> str:
    # Only typed text: a number such as -3 is written by us, not by a person, and stays a number.
    return csv_safe(_text(value)) if isinstance(value, str) else _text(value)


def table_to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real UTF-8 name (RFC 6266 / 5987). Path
    separators, quotes and control characters never reach the header."""
    cleaned = re.sub(r'[\x00-\x1f\x7f"\\/;]+', "_", filename).strip(" .") or "export"
    ascii_name = unicodedata.normalize("NFKD", cleaned.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("_") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def table_response(table: Table, *, filename: str, fmt: str = "xlsx", actor=None, obj=None,
                   audit_name: str | None = None, summary: str = "", data: dict | None = None) -> HttpResponse:
    """The download of a table as .xlsx or .csv. `audit_name` marks an export that contains
    personal data: it is recorded as the action "export.<audit_name>"."""
    if fmt == "csv":
        response = HttpResponse(table_to_csv(table), content_type=CSV_TYPE)
    else:
        fmt = "xlsx"
        response = HttpResponse(table_to_xlsx(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    if audit_name:
        audit_log(actor=actor, action=f"export.{audit_name}", obj=obj, summary=summary or f"{filename}.{fmt}",
                  data={"rows": len(table.rows), "format": fmt, **(data or {})})
    return response


def rows_of(table: Iterable[Sequence[Any]]) -> list[list[str]]:
    """Every cell as it reads in the CSV: what tests compare with hand-computed figures."""
    return [[_text(value) for value in row] for row in table]
