"""A person on a phone opens the home page, logs in, switches the interface to English and back;
and the same home page and login work with JavaScript switched off."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import UnitKind
from accounts.roles import Role
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user


def _staff_member():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    office = make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    return make_user(role=Role.STAFF, unit=office, phone="0912345678", full_name="Phạm Thị An")


def _log_in(page: Page, login: str) -> None:
    page.get_by_label(label(_("Phone number or email"))).fill(login)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()


def test_it_logs_a_staff_member_in_and_switches_the_language(page: Page, live: str, shots: Path):
    member = _staff_member()

    page.goto(live + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Learning about administrative reform together"))
    check_page(page, shots, "01-home-anonymous")

    page.get_by_role("main").get_by_role("link", name=_("Log in")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    check_page(page, shots, "02-login")

    _log_in(page, member.phone)
    # Staff land on their to-do list; the home page greets them by name.
    expect(page).to_have_url(live + "/training/")
    check_page(page, shots, "03-to-do-list")
    page.goto(live + "/")
    expect(page.get_by_text(_("Hello, %(name)s.") % {"name": "Phạm Thị An"})).to_be_visible()
    expect(page.get_by_role("button", name=_("Log out"))).to_be_visible()
    check_page(page, shots, "03b-home-logged-in")

    page.get_by_label(_("Language")).select_option("en")
    page.get_by_role("button", name=_("Change")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with translation.override("en"):
        expect(page.get_by_text(_("Hello, %(name)s.") % {"name": "Phạm Thị An"})).to_be_visible()
        check_page(page, shots, "04-home-english")
        page.get_by_label(_("Language")).select_option("vi")
        page.get_by_role("button", name=_("Change")).click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    check_page(page, shots, "05-home-vietnamese-again")

    page.get_by_role("button", name=_("Log out")).click()
    expect(page.get_by_role("main").get_by_role("link", name=_("Log in"))).to_be_visible()
    check_page(page, shots, "06-logged-out")


def test_a_wrong_password_is_refused_in_vietnamese(page: Page, live: str, shots: Path):
    member = _staff_member()

    page.goto(live + "/accounts/login/")
    check_page(page, shots, "01-login")
    page.get_by_label(label(_("Phone number or email"))).fill(member.phone)
    page.get_by_label(label(_("Password"))).fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".errorlist")).to_be_visible()
    check_page(page, shots, "02-login-refused")


def test_the_home_page_and_login_work_without_javascript(page_without_js: Page, live: str, shots: Path):
    member = _staff_member()
    page = page_without_js

    page.goto(live + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, shots, "01-home-no-js")
    page.get_by_role("main").get_by_role("link", name=_("Log in")).click()
    check_page(page, shots, "02-login-no-js")
    _log_in(page, member.phone)
    expect(page).to_have_url(live + "/training/")
    check_page(page, shots, "03-to-do-list-no-js")
    page.goto(live + "/")
    expect(page.get_by_text(_("Hello, %(name)s.") % {"name": "Phạm Thị An"})).to_be_visible()
    check_page(page, shots, "04-home-logged-in-no-js")
