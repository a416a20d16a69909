"""The .xlsx template organisers fill in for accounts/staff_import.py."""

from __future__ import annotations

import io
from collections import Counter

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Unit
from accounts.staff_import import unit_label
from accounts.staff_sheet import (
    COL_EMAIL,
    COL_NAME,
    COL_PHONE,
    COL_POSITION,
    COL_ROLE,
    COL_UNIT,
    COLUMNS,
    DATA_SHEET,
    GUIDE_SHEET,
    MAX_ROWS,
    ROLE_MANAGER,
    ROLE_STAFF,
    name_key,
)


def staff_template_build(*, root: Unit) -> bytes:
    """The sheet to fill in (headers only) and a guide with an example and the units to pick from."""
    units = list(Unit.objects.subtree(root).select_related("parent"))
    name_counts = Counter(name_key(u.name) for u in units)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9D9")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    # Excel drops the leading 0 of a phone typed into a number cell; text cells keep it.
    for row in range(2, MAX_ROWS + 2):
        ws.cell(row=row, column=2).number_format = "@"
    for index, width in enumerate((28, 16, 30, 40, 22, 18), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"

    guide = wb.create_sheet(GUIDE_SHEET)
    for letter, width in (("A", 24), ("B", 70), ("C", 34)):
        guide.column_dimensions[letter].width = width
    guide.append([_("How to fill in the sheet “%(sheet)s”") % {"sheet": DATA_SHEET}])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    guide.append([_("Column"), _("What to write"), _("Example")])
    for cell in guide[3]:
        cell.font = bold
        cell.fill = fill
    example_unit = next((u for u in units if u.pk != root.pk), root)
    explanations = [
        (COL_NAME, _("Required. The person's full name, with diacritics."), "Nguyễn Văn An"),
        (COL_PHONE, _("Mobile number. A phone number or an email is required; each may appear only once "
                      "in the file and must not belong to an existing account."), "0912345678"),
        (COL_EMAIL, _("Optional when a phone number is given."), "nguyenvanan@example.vn"),
        (COL_UNIT, _("Required. A name from the column “Write in Đơn vị” of the list below (capitals and "
                     "spaces do not matter), or the unit's code."), example_unit.name),
        (COL_POSITION, _("Optional."), "Chuyên viên"),
        (COL_ROLE, _("Optional: “%(staff)s” (the default) or “%(manager)s”, who also sees the members of "
                     "the unit and their progress.") % {"staff": ROLE_STAFF, "manager": ROLE_MANAGER}, ROLE_STAFF),
    ]
    for row in explanations:
        guide.append(list(row))
        for cell in guide[guide.max_row]:
            cell.alignment = wrap
    guide.append([])
    for note in (
        _("Everyone imported logs in with their phone number or email and the initial password given on the "
          "import page, and must choose their own password at first login."),
        _("If any row is wrong, nothing is created and every wrong row is listed with its row number."),
        _("At most %(max)d people per file; empty rows are skipped.") % {"max": MAX_ROWS},
    ):
        guide.append([note])
        guide.merge_cells(start_row=guide.max_row, start_column=1, end_row=guide.max_row, end_column=3)
        guide.cell(row=guide.max_row, column=1).alignment = wrap
    guide.append([])
    guide.append([_("Units")])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True, size=13)
    guide.append([_("Code"), _("Write in “Đơn vị”"), _("Parent unit")])
    for cell in guide[guide.max_row]:
        cell.font = bold
        cell.fill = fill
    first_unit_row = guide.max_row + 1
    for unit in units:
        # A name shared by two units only identifies one with its parent's name after it.
        written = unit_label(unit) if name_counts[name_key(unit.name)] > 1 else unit.name
        guide.append([unit.code, written, unit.parent.name if unit.parent_id else ""])

    roles = DataValidation(type="list", formula1=f'"{ROLE_STAFF},{ROLE_MANAGER}"', allow_blank=True)
    roles.error = _("Write “%(staff)s” or “%(manager)s”.") % {"staff": ROLE_STAFF, "manager": ROLE_MANAGER}
    roles.showErrorMessage = True
    # Offered as a drop-down, but only a warning: a unit may also be written by its code.
    unit_list = DataValidation(
        type="list", formula1=f"='{GUIDE_SHEET}'!$B${first_unit_row}:$B${guide.max_row}",
        allow_blank=True, errorStyle="warning", showErrorMessage=False,
    )
    ws.add_data_validation(roles)
    ws.add_data_validation(unit_list)
    roles.add(f"F2:F{MAX_ROWS + 1}")
    unit_list.add(f"D2:D{MAX_ROWS + 1}")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
