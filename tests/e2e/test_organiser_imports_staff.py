"""Journey (b), the template's round trip: an organiser downloads the staff template, fills in that
very file, previews it (nothing saved), imports it; the accounts exist in the right units with the
right roles and must change their password. The refusal of a sheet with mistakes, row by row, is
the journey in test_staff_import.py."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import UnitKind, User
from accounts.roles import Role, is_unit_manager
from accounts.staff_sheet import DATA_SHEET
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user

INITIAL_PASSWORD = "Cchc-Dong-Tra-2025"


def _fill(template: Path, target: Path, rows: list[tuple[str, str, str, str, str, str]]) -> Path:
    workbook = load_workbook(template)
    sheet = workbook[DATA_SHEET]
    for row in rows:
        sheet.append(list(row))
    workbook.save(target)
    return target


def _upload(page: Page, sheet: Path, *, only_check: bool) -> None:
    page.get_by_label(label(_("Staff list (.xlsx)"))).set_input_files(sheet)
    page.get_by_label(label(_("Initial password"))).fill(INITIAL_PASSWORD)
    page.get_by_label(label(_("Only check the file and show who would be created"))).set_checked(only_check)
    page.get_by_role("button", name=_("Import"), exact=True).click()


def test_an_organiser_imports_staff_from_the_xlsx_template(page: Page, live: str, shots: Path, tmp_path: Path):
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    economy = make_unit("Phòng Kinh tế", kind=UnitKind.DEPARTMENT, parent=commune)
    health = make_unit("Trạm Y tế xã", kind=UnitKind.HEALTH, parent=commune)
    organiser = make_user(role=Role.ORGANISER, unit=commune, full_name="Trần Thị Tổ Chức")
    before = User.objects.count()

    page.goto(live + "/accounts/login/")
    check_page(page, shots, "01-login")
    page.get_by_label(label(_("Phone number or email"))).fill(organiser.phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    check_page(page, shots, "02-home-organiser")

    page.get_by_text(_("Manage"), exact=True).click()  # the management pages sit behind one menu
    page.get_by_role("link", name=_("Import staff")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Import staff accounts"))
    check_page(page, shots, "03-import-page")

    with page.expect_download() as download:
        page.get_by_role("link", name=_("Download the template (.xlsx)")).click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.suffix == ".xlsx"

    # Checked only: a preview of who would be created, nothing saved yet.
    sheet = _fill(template, tmp_path / "can-bo.xlsx", [
        ("Lê Văn Kinh", "0935111222", "", economy.name, "Chuyên viên", "cán bộ"),
        ("Võ Thị Y", "0935333444", "vothiy@example.vn", health.name, "Y sĩ", "quản lý đơn vị"),
    ])
    _upload(page, sheet, only_check=True)
    preview = page.get_by_role("main").get_by_role("table")
    expect(preview).to_contain_text("Lê Văn Kinh")
    expect(preview).to_contain_text("Võ Thị Y")
    assert User.objects.count() == before
    check_page(page, shots, "04-import-preview")

    _upload(page, sheet, only_check=False)
    created = ngettext("%(count)d account was created.", "%(count)d accounts were created.", 2) % {"count": 2}
    expect(page.get_by_text(created)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("table")).to_contain_text(health.name)
    check_page(page, shots, "05-import-done")

    assert User.objects.count() == before + 2
    kinh = User.objects.get(phone="0935111222")
    y = User.objects.get(email="vothiy@example.vn")
    assert (kinh.unit, y.unit) == (economy, health)
    assert kinh.must_change_password and y.must_change_password
    assert is_unit_manager(y) and not is_unit_manager(kinh)
