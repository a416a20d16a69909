"""Journey (a): a resident opens the site on a phone, registers with consent and lands on the home
page logged in. Forgetting the required consent box is answered in Vietnamese and creates nothing."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import ConsentPurpose, ConsentRecord, UnitKind, User
from tests.e2e.helpers import check_page, label
from tests.factories import make_unit


def test_a_resident_registers_with_consent_and_sees_the_home_page_logged_in(page: Page, live: str, shots: Path):
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune)
    village = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune)

    page.goto(live + "/")
    check_page(page, shots, "01-home")
    page.get_by_role("link", name=_("Register to take part")).click()
    expect(page).to_have_url(re.compile(r"/accounts/register/"))
    expect(page.get_by_label(str(ConsentPurpose.CONTESTS.label))).not_to_be_checked()
    check_page(page, shots, "02-register")

    page.get_by_label(label(_("Full name"))).fill("Nguyễn Thị Hoa")
    page.get_by_label(label(_("Birth year"))).fill("1985")
    page.get_by_label(label(_("Mobile phone number"))).fill("0912 345 678")
    page.get_by_label(label(_("Village"))).select_option(label=village.label_with_parent())
    page.get_by_label(label(_("Password"))).fill("Hoa-dang-ky-2025")
    page.get_by_label(label(_("Password again"))).fill("Hoa-dang-ky-2025")
    page.get_by_role("main").get_by_role("button", name=_("Register")).click()

    # The required consent was not ticked: refused with the reason, nothing created, typing kept.
    expect(page.get_by_text(
        _("To register you must agree that your data is used to take part in contests and be ranked.")
    )).to_be_visible()
    expect(page.get_by_label(label(_("Full name")))).to_have_value("Nguyễn Thị Hoa")
    assert not User.objects.filter(full_name="Nguyễn Thị Hoa").exists()
    check_page(page, shots, "03-register-consent-missing")

    page.get_by_label(label(_("Password"))).fill("Hoa-dang-ky-2025")
    page.get_by_label(label(_("Password again"))).fill("Hoa-dang-ky-2025")
    page.get_by_label(str(ConsentPurpose.CONTESTS.label)).check()
    page.get_by_label(str(ConsentPurpose.LEADERBOARD.label)).check()
    page.get_by_role("main").get_by_role("button", name=_("Register")).click()

    expect(page).to_have_url(live + "/")
    expect(page.get_by_text(_("Welcome! Your account has been created."))).to_be_visible()
    expect(page.get_by_text(_("Hello, %(name)s.") % {"name": "Nguyễn Thị Hoa"})).to_be_visible()
    expect(page.get_by_role("button", name=_("Log out"))).to_be_visible()
    check_page(page, shots, "04-home-logged-in")

    resident = User.objects.get(phone="0912345678")
    assert resident.unit == village
    assert resident.birth_year == 1985
    consent = ConsentRecord.objects.get(user=resident)
    assert set(consent.purposes) == {ConsentPurpose.CONTESTS, ConsentPurpose.LEADERBOARD}
