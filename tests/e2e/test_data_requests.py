"""A resident, on a phone, asks the commune to change their phone number; an organiser finds the
request in the queue with its due date and marks it handled with a note. With JavaScript and
without it: plain forms and links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from playwright.sync_api import Page, expect

from accounts.models import AuditEntry, DataRequest, UnitKind
from accounts.roles import Role
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user


def _log_in(page: Page, live: str, shots: Path, phone: str, step: str) -> None:
    page.goto(live + "/accounts/login/")
    expect(page.get_by_label(label(_("Remember me on this phone")))).to_be_checked()
    check_page(page, shots, f"{step}-login")
    page.get_by_label(label(_("Phone number or email"))).fill(phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_asks_and_an_organiser_answers_within_the_due_date(request, live: str, shots: Path,
                                                                      javascript: bool):
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune)
    resident = make_user(role=Role.RESIDENT, unit=village, phone="0905000005", full_name="Nguyễn Văn Dân")
    organiser = make_user(role=Role.ORGANISER, unit=commune, phone="0905000001", full_name="Trần Thị Hoa")

    # The resident: typed with spaces and +84, lands home (no round open), asks from "Tài khoản".
    _log_in(page, live, shots, "+84 905 000 005", "01")
    expect(page).to_have_url(live + "/")
    check_page(page, shots, "02-home")
    page.get_by_role("link", name=pgettext("site navigation", "Account")).click()
    check_page(page, shots, "03-my-data")
    page.get_by_role("link", name=_("Ask the commune about my data")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Ask the commune about my data"))
    check_page(page, shots, "04-ask-form")
    page.get_by_role("main").get_by_role("button", name=_("Send my request")).click()
    expect(page.locator(".errorlist")).to_have_count(2)  # the kind and the details, in Vietnamese
    check_page(page, shots, "05-ask-refused")
    page.get_by_label(_("Correct the data")).check()
    page.get_by_label(label(_("Details"))).fill("Số điện thoại mới của tôi là 0935 111 222")
    page.get_by_role("main").get_by_role("button", name=_("Send my request")).click()
    data_request = DataRequest.objects.get(user=resident)
    due = f"{data_request.due_on:%d/%m/%Y}"
    expect(page.get_by_role("status")).to_contain_text(due)
    expect(page.get_by_role("cell", name=_("Waiting for the commune"))).to_be_visible()
    check_page(page, shots, "06-asked")
    page.get_by_role("button", name=_("Log out")).click()
    check_page(page, shots, "07-logged-out")

    # The organiser: the queue, the request with its due date, a note, handled.
    _log_in(page, live, shots, organiser.phone, "08")
    expect(page).to_have_url(live + "/training/")
    check_page(page, shots, "09-to-do")
    page.goto(live + "/accounts/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Requests about personal data"))
    article = page.get_by_role("article").filter(has_text="0935 111 222")
    expect(article).to_contain_text(due)
    expect(article).to_contain_text(resident.phone)
    check_page(page, shots, "10-queue")
    article.get_by_label(label(_("What was done"))).fill("Đã đổi số sau khi xem căn cước tại trụ sở.")
    article.get_by_role("button", name=_("Mark as handled")).click()
    expect(page.get_by_role("status")).to_contain_text(_("The request is marked as handled."))
    expect(page.get_by_text(_("No requests match these filters."))).to_be_visible()
    check_page(page, shots, "11-handled")
    page.get_by_label(label(_("Show"))).select_option("handled")
    page.get_by_role("main").get_by_role("button", name=_("Show")).click()
    expect(page).to_have_url(re.compile(r"status=handled"))
    expect(page.get_by_role("article")).to_contain_text("Đã đổi số sau khi xem căn cước")
    check_page(page, shots, "12-handled-list")

    data_request.refresh_from_db()
    assert data_request.handled_by == organiser and not data_request.is_open
    assert AuditEntry.objects.filter(action="data_request.handle", actor=organiser).count() == 1
