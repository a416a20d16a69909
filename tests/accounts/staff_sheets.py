"""Staff-import workbooks built in memory for the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.staff_sheet import COLUMNS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_sheet(rows: Sequence[Sequence[Any]], *, header: Sequence[Any] = COLUMNS) -> bytes:
    """An .xlsx whose first sheet has `header` on row 1 and `rows` from row 2 (Excel numbering)."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "can-bo.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)
