"""An organiser on a phone downloads the staff template, uploads a sheet with mistakes, reads
what is wrong, uploads the corrected sheet and sees the accounts created per unit."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import UnitKind, User
from accounts.roles import Role
from tests.accounts.staff_sheets import XLSX_TYPE, make_sheet
from tests.e2e.helpers import check_page
from tests.factories import PASSWORD, make_unit, make_user

INITIAL = "Khoi-tao-2025-xyz"


def _upload(page: Page, content: bytes) -> None:
    page.get_by_label(_("Staff list (.xlsx)")).set_input_files(
        {"name": "can-bo.xlsx", "mimeType": XLSX_TYPE, "buffer": content},
    )
    page.get_by_label(_("Initial password")).fill(INITIAL)
    page.get_by_role("button", name=_("Import"), exact=True).click()


def test_an_organiser_imports_staff_from_xlsx(page: Page, live: str, shots: Path):
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    make_unit("Phòng Kinh tế", kind=UnitKind.DEPARTMENT, parent=commune)
    make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    organiser = make_user(role=Role.ORGANISER, unit=commune, phone="0912000001", full_name="Trần Thị Hoa")

    page.goto(live + "/accounts/login/")
    page.get_by_label(_("Phone number or email")).fill(organiser.phone)
    page.get_by_label(_("Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(live + "/training/")  # staff land on their to-do list
    check_page(page, shots, "01-home-organiser")

    page.get_by_text(_("Manage"), exact=True).click()  # the management pages sit behind one menu
    page.get_by_role("link", name=_("Import staff")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Import staff accounts"))
    check_page(page, shots, "02-import-form")

    with page.expect_download() as download:
        page.get_by_role("link", name=_("Download the template (.xlsx)")).click()
    assert download.value.suggested_filename == "mau-nhap-can-bo.xlsx"

    before = User.objects.count()
    _upload(page, make_sheet([
        ["Nguyễn Văn Một", "0123", "", "Phòng Kinh tế", "Chuyên viên", ""],
        ["Lê Thị Hai", "0912345679", "", "Phòng Không Có", "", ""],
    ]))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Dòng 2: số điện thoại 0123 không đúng định dạng di động Việt Nam")
    expect(alert).to_contain_text("Dòng 3: không tìm thấy đơn vị “Phòng Không Có” trong Xã Thử Nghiệm")
    assert User.objects.count() == before
    check_page(page, shots, "03-import-errors")

    _upload(page, make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng Kinh tế", "Chuyên viên", ""],
        ["Lê Thị Hai", "0912345679", "", "văn phòng hđnd và ubnd xã", "Chánh Văn phòng", "quản lý đơn vị"],
    ]))
    expect(page.get_by_role("heading", name="Đã tạo 2 tài khoản từ tệp can-bo.xlsx")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Phòng Kinh tế / Xã Thử Nghiệm")
    assert User.objects.count() == before + 2
    check_page(page, shots, "04-import-done")
