"""The one export writer (accounts.exports): .xlsx and .csv from typed rows, the download
response, and the audit entry of an export that contains personal data."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from accounts.exports import Table, content_disposition, table_response, table_to_csv, table_to_xlsx
from accounts.models import AuditEntry

TABLE = Table(
    title="Danh sách: chưa tham gia",
    headers=["Họ và tên", "Ngày", "Điểm TB", "Số người", "Xong"],
    rows=[
        ["Nguyễn Thị Ánh Dương", date(2025, 3, 9), Decimal("7.25"), 12, True],
        ["Lê Văn B", None, 8.0, 0, False],
    ],
)


def test_xlsx_has_a_bold_frozen_header_and_typed_cells():
    sheet = load_workbook(io.BytesIO(table_to_xlsx(TABLE))).active
    assert sheet.title == "Danh sách  chưa tham gia"
    assert [c.value for c in sheet[1]] == TABLE.headers
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == datetime(2025, 3, 9) and sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].value == 7.25 and sheet["D2"].value == 12
    assert sheet["E2"].value == "Có" and sheet["E3"].value == "Không"
    assert sheet["B3"].value is None


def test_xlsx_column_widths_follow_the_content():
    sheet = load_workbook(io.BytesIO(table_to_xlsx(TABLE))).active
    assert sheet.column_dimensions["A"].width == len("Nguyễn Thị Ánh Dương") + 2
    assert sheet.column_dimensions["D"].width == len("Số người") + 2


def test_xlsx_writes_aware_datetimes_as_local_time():
    moment = timezone.make_aware(datetime(2025, 5, 1, 8, 30))
    sheet = load_workbook(io.BytesIO(table_to_xlsx(Table("T", ["Lúc"], [[moment]])))).active
    assert sheet["A2"].value == datetime(2025, 5, 1, 8, 30)
    assert sheet["A2"].number_format == "dd/mm/yyyy hh:mm"


def test_csv_starts_with_a_bom_and_writes_day_first_dates():
    data = table_to_csv(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == TABLE.headers
    assert rows[1] == ["Nguyễn Thị Ánh Dương", "09/03/2025", "7.25", "12", "Có"]
    assert rows[2] == ["Lê Văn B", "", "8", "0", "Không"]


def test_the_filename_is_safe_and_keeps_vietnamese():
    header = content_disposition('Chưa tham gia "thôn"/../x.xlsx')
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback == "Chua_tham_gia__thon_.._x.xlsx"
    assert "filename*=UTF-8''Ch%C6%B0a%20tham%20gia%20_th%C3%B4n_.._x.xlsx" in header
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x")


def test_a_personal_data_export_is_audited(organiser, db):
    response = table_response(TABLE, filename="Chưa tham gia", fmt="csv", actor=organiser, audit_name="nonparticipants")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.data["rows"]) == (organiser, "export.nonparticipants", 2)


def test_an_export_without_personal_data_is_not_audited(db):
    response = table_response(TABLE, filename="Thống kê")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not AuditEntry.objects.exists()
