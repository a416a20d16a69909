"""An organiser, on a phone and at desktop width, filters the results dashboard to a period, opens
a unit, downloads the list of people who have not taken part and the periodic report; the files
are opened and their figures checked against the hand-computed scenario (tests/reports/scenario.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import UnitKind
from accounts.roles import Role
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.reports.scenario import build


def _people():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=100)
    unit_a = make_unit("Phòng A", kind=UnitKind.DEPARTMENT, parent=commune, headcount=5)
    unit_b = make_unit("Phòng B", kind=UnitKind.DEPARTMENT, parent=commune, headcount=5)
    village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=50)
    people = {
        "organiser": make_user(role=Role.ORGANISER, unit=commune, phone="0912000001", full_name="Trần Thị Tổ Chức"),
        "manager_a": make_user(role=Role.UNIT_MANAGER, unit=unit_a, full_name="Lê Văn Quản Lý"),
        "staff_a": make_user(role=Role.STAFF, unit=unit_a, full_name="Phạm Thị An"),
        "staff_b": make_user(role=Role.STAFF, unit=unit_b, full_name="Võ Văn Bình"),
        "resident": make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn Dân", birth_year=1990),
    }
    build(unit_a=unit_a, unit_b=unit_b, village=village, **people)
    return people["organiser"]


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
def test_an_organiser_filters_the_dashboard_and_downloads_the_lists_and_report(page: Page, live: str, shots: Path,
                                                                               width: int):
    organiser = _people()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live + "/accounts/login/")
    page.get_by_label(_("Phone number or email")).fill(organiser.phone)
    page.get_by_label(_("Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(live + "/training/")  # staff land on their to-do list
    check_page(page, shots, "01-home")

    page.goto(live + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Results dashboard"))
    page.get_by_label(label(_("From"))).fill("01/03/2025")
    page.get_by_label(label(_("To"))).fill("31/03/2025")
    page.get_by_role("button", name=_("Show")).click()
    expect(page.get_by_text("Kỳ 01/03/2025 – 31/03/2025")).to_be_visible()
    figures = page.locator("dl.figures")
    expect(figures).to_contain_text("Lượt dự thi4")
    expect(figures).to_contain_text("Điểm trung bình (%)62,5")
    # The weak-topics table arrives by htmx, with the weakest cell marked in text.
    expect(page.locator("#weak-topics table")).to_contain_text("▼ 25,0")
    check_page(page, shots, "02-dashboard")

    page.get_by_role("link", name="Phòng A", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phòng A")
    expect(page.locator("#absent")).to_have_text("1 người chưa tham gia")
    check_page(page, shots, "03-unit")

    with page.expect_download() as download:
        page.get_by_role("link", name=_("Download the list of people who have not taken part (.xlsx)")).click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Họ và tên"
    assert [row[0] for row in rows[1:]] == ["Lê Văn Quản Lý"]
    assert rows[1][4] == "Chưa tham gia vòng thi nào (01/03/2025–31/03/2025)"

    page.get_by_role("link", name="← " + _("Results dashboard")).click()
    check_page(page, shots, "04-back")
    with page.expect_download() as download:
        page.get_by_role("link", name=_("Periodic report (.docx)")).click()
    assert download.value.suggested_filename == "bao-cao-cchc-20250301-20250331.docx"
    report = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Kết quả công tác tuyên truyền cải cách hành chính" in text
    assert "- Số lượt dự thi: 4 (cán bộ, công chức: 2; người dân: 2)." in text
    assert "- Điểm trung bình: 62,5%; điểm trung vị: 62,5%." in text
    units = [[c.text for c in row.cells] for row in report.tables[-2].rows]
    assert units[1][:2] == ["1", "Phòng B"] and units[-1][4] == "3%"
