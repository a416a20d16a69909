"""The staff sheet: its format (the template's columns and sheet names, which
accounts/staff_template.py writes) and its reading, row by row, into raw text values. Checking
what the values mean (people, units, roles) is accounts/staff_import.py's."""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

# The column headers are part of the file format, not of the UI: they stay Vietnamese whatever
# language the organiser reads the site in, so a sheet filled once imports for everyone.
COL_NAME = "Họ và tên"
COL_PHONE = "Số điện thoại"
COL_EMAIL = "Email"
COL_UNIT = "Đơn vị"
COL_POSITION = "Chức vụ"
COL_ROLE = "Vai trò"
COLUMNS = (COL_NAME, COL_PHONE, COL_EMAIL, COL_UNIT, COL_POSITION, COL_ROLE)
REQUIRED_COLUMNS = (COL_NAME, COL_PHONE, COL_EMAIL, COL_UNIT)
DATA_SHEET = "Cán bộ"
GUIDE_SHEET = "Hướng dẫn"

ROLE_STAFF = "cán bộ"
ROLE_MANAGER = "quản lý đơn vị"
MAX_ROWS = 5000
# A 5 MB .xlsx can unpack to gigabytes (a "zip bomb"); real staff lists unpack to a few MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
@dataclass(frozen=True)
class RowError:
    """One reason the sheet cannot be imported; `row` is the Excel row number, None for the file."""

    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


def clean_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split())


def name_key(value: Any) -> str:
    """How names are compared: Unicode-normalised, case- and space-insensitive."""
    return clean_cell(value).casefold()


# --- Reading -------------------------------------------------------------------------------------

def open_workbook(file: IO[bytes], file_name: str) -> tuple[Any | None, RowError | None]:
    not_xlsx = RowError(None, _(
        "The file “%(name)s” is not an Excel workbook (.xlsx). Download the template, fill it in and "
        "upload it without changing its format."
    ) % {"name": file_name})
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None, RowError(None, _(
            "The file “%(name)s” is in the old Excel format (.xls). Open it in Excel and save it as "
            "“Excel Workbook (.xlsx)”."
        ) % {"name": file_name})
    if not head.startswith(b"PK") or not zipfile.is_zipfile(file):
        return None, not_xlsx
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, not_xlsx
    if "xl/workbook.xml" not in names:
        return None, not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        return None, RowError(None, _("The file “%(name)s” unpacks to too much data to be a staff list.")
                              % {"name": file_name})
    file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True), None
    except Exception:  # openpyxl raises many types on a damaged file; all mean the same to the user
        return None, not_xlsx


def data_sheet(wb: Any) -> Any:
    return wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]


@dataclass
class RawRow:
    row: int
    values: dict[str, str]


def read_rows(sheet: Any) -> tuple[list[RawRow], list[RowError]]:
    rows_iter: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    wanted = {name_key(c): c for c in COLUMNS}
    positions: dict[str, int] = {}
    unexpected: list[str] = []
    duplicated: list[str] = []
    for index, cell in enumerate(header):
        text = clean_cell(cell)
        if not text:
            continue
        column = wanted.get(text.casefold())
        if column is None:
            unexpected.append(text)
        elif column in positions:
            duplicated.append(column)
        else:
            positions[column] = index
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        errors.append(RowError(None, _("The header row (row 1) lacks the columns: %(columns)s.")
                               % {"columns": ", ".join(f"“{c}”" for c in missing)}))
    if unexpected:
        errors.append(RowError(None, _("The header row (row 1) has columns that are not in the template: "
                                       "%(columns)s. The columns are: %(expected)s.")
                               % {"columns": ", ".join(f"“{c}”" for c in unexpected),
                                  "expected": ", ".join(f"“{c}”" for c in COLUMNS)}))
    if duplicated:
        errors.append(RowError(None, _("The header row (row 1) has the same column twice: %(columns)s.")
                               % {"columns": ", ".join(f"“{c}”" for c in duplicated)}))
    if errors:
        return [], errors

    rows: list[RawRow] = []
    for number, values in enumerate(rows_iter, start=2):
        cells = {c: _cell(values, i, c) for c, i in positions.items()}
        if not any(cells.values()):
            continue  # blank lines between blocks of people are common and harmless
        if len(rows) == MAX_ROWS:
            return [], [RowError(None, ngettext(
                "The sheet has more than %(max)d person; split it into several files.",
                "The sheet has more than %(max)d people; split it into several files.", MAX_ROWS,
            ) % {"max": MAX_ROWS})]
        rows.append(RawRow(number, cells))
    if not rows:
        return [], [RowError(None, _("The sheet has no one to import: every row below the header is empty."))]
    return rows, []


def _cell(values: tuple[Any, ...], index: int, column: str) -> str:
    value = values[index] if index < len(values) else None
    if column == COL_PHONE and isinstance(value, int | float) and not isinstance(value, bool):
        # A phone typed into a number cell arrives as 912345678: Excel dropped the leading 0.
        digits = str(int(value))
        return "0" + digits if len(digits) == 9 else digits
    return clean_cell(value)
