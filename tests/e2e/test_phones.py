"""Phones (issue 13): at 360 px every table of the contest, quiz and report pages shows each row
whole, the score and the time included, without scrolling sideways (each cell's box is measured
inside the viewport); and the home page leads with the open round: the time left, one large
button to take part, and plain share links for Zalo and Facebook (no third-party script)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import UnitKind
from accounts.roles import Role
from contests.closing import round_close
from contests.models import Round
from tests.contests.helpers import make_contest, take
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

TITLE = "Tìm hiểu cải cách hành chính năm 2025: Tuần thi thứ nhất"
# Every cell of every table in the main column, as a box in CSS pixels, with its column's name.
_CELLS = """() => [...document.querySelectorAll("main table")].filter(t => t.offsetParent !== null).flatMap(
  table => [...table.querySelectorAll("tbody td, tbody th, tfoot td, tfoot th")]
    .filter(cell => getComputedStyle(cell).display !== "none")
    .map(cell => { const box = cell.getBoundingClientRect();
      return {label: cell.getAttribute("data-label") || "", text: cell.innerText.trim(),
              left: box.left, right: box.right, width: box.width}; }))"""


def _assert_tables_fit(page: Page, *, must_show: tuple[str, ...] = ()) -> list[dict]:
    """Every cell wholly inside the 360 px viewport, and the page not wider than it."""
    cells = page.evaluate(_CELLS)
    assert cells, f"no table on {page.url}"
    width = page.evaluate("() => window.innerWidth")
    assert width == PHONE_VIEWPORT["width"]
    cut = [c for c in cells if c["text"] and (c["left"] < 0 or c["right"] > width + 0.5)]
    assert not cut, f"{page.url}: cells cut off at {width} px: {cut[:5]}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for column in must_show:
        shown = [c for c in cells if c["label"] == column and c["text"] and c["width"] > 0]
        assert shown, f"{page.url}: no visible {column!r} cell"
    return cells


def _scenario():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=0)
    village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=40)
    centre = make_unit("Trung tâm Cung ứng dịch vụ công xã Đông Trà Bồng", kind=UnitKind.DEPARTMENT, parent=commune,
                       headcount=12)
    organiser = make_user(role=Role.ORGANISER, unit=commune, phone="0987654321", full_name="Trần Thị Tổ Chức")
    resident = make_user(role=Role.RESIDENT, unit=village, phone="0912345678", full_name="Nguyễn Thị Phương Hoa",
                         show_on_leaderboard=True, birth_year=1958)
    contest = make_contest(title="Tìm hiểu cải cách hành chính năm 2025", slug="cchc-2025", individual_prizes=3,
                           unit_prizes=2, unit_min_participation_percent=1)
    topic = make_topic()
    quiz = make_quiz(questions=[make_question(topic=topic) for _ in range(10)], slug="vong-1", title="Tuần thứ nhất",
                     shuffle_questions=False, time_limit_seconds=900, attempts_allowed=1)
    now = timezone.now()
    round_ = Round.objects.create(contest=contest, number=1, title="Tuần thi thứ nhất", quiz=quiz,
                                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6))
    people = [(resident, 9, 312, 40)] + [
        (make_user(role=Role.RESIDENT, unit=village if n % 2 else centre, full_name=f"Lê Văn Thành Công {n}",
                   show_on_leaderboard=True, birth_year=1970 + n), 10 - n % 4, 200 + 37 * n, 30 + n)
        for n in range(1, 8)
    ]
    for person, correct, seconds, guess in people:
        take(round_, person, correct=correct, seconds=seconds, started=now - timedelta(hours=2), prediction=guess)
    return round_, organiser


def _log_in(page: Page, live: str, phone: str, next_path: str) -> None:
    page.goto(f"{live}/accounts/login/?next={quote(next_path)}")
    page.get_by_label(label(_("Phone number or email"))).fill(phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(f"{live}{next_path}")


def test_every_table_shows_the_score_and_the_time_at_360_px(page: Page, live: str, shots: Path):
    round_, organiser = _scenario()
    base = f"{live}/contests/cchc-2025"
    _log_in(page, live, "0912345678", "/contests/cchc-2025/")
    check_page(page, shots, "01-contest-rounds")
    _assert_tables_fit(page, must_show=(_("Opens"), _("Closes")))

    page.goto(f"{base}/rounds/1/leaderboard/")
    check_page(page, shots, "02-leaderboard")
    _assert_tables_fit(page, must_show=(_("Score"), _("Time")))
    page.goto(f"{base}/leaderboard/")
    check_page(page, shots, "04-overall")
    _assert_tables_fit(page, must_show=(_("Total score"), _("Total time")))
    page.goto(f"{live}/quizzes/vong-1/my-attempts/")
    check_page(page, shots, "05-my-attempts")
    _assert_tables_fit(page, must_show=(_("Score"), _("Time taken")))

    # The round ends and is closed: the final tables, with the prediction error.
    ended = round_.closes_at + timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 60)
    round_close(round_=round_, actor=organiser, now=ended)
    page.goto(f"{base}/rounds/1/leaderboard/")
    check_page(page, shots, "06-final-leaderboard")
    _assert_tables_fit(page, must_show=(_("Score"), _("Time"), _("Prediction error")))
    page.goto(f"{base}/rounds/1/why/")
    check_page(page, shots, "03-why-final")
    _assert_tables_fit(page, must_show=(_("Score"), _("Time")))
    page.goto(f"{base}/rounds/1/units/")
    check_page(page, shots, "07-units")
    _assert_tables_fit(page, must_show=(_("Participation rate"), _("Mean score")))
    page.goto(f"{base}/rounds/1/winners/")
    check_page(page, shots, "08-winners")
    _assert_tables_fit(page, must_show=(_("Score"), _("Final rank"), _("Mean score")))

    page.get_by_role("button", name=_("Log out")).click()
    check_page(page, shots, "09-logged-out")
    _log_in(page, live, organiser.phone, "/contests/cchc-2025/rounds/1/participation/")
    check_page(page, shots, "10-participation")
    _assert_tables_fit(page, must_show=(_("Participation rate"), _("Mean score"), _("Hour")))
    page.goto(f"{live}/reports/")
    check_page(page, shots, "11-dashboard")
    _assert_tables_fit(page, must_show=(_("Participation (%)"), _("Mean score (%)")))
    page.goto(f"{live}/reports/audit/")
    check_page(page, shots, "12-audit")
    _assert_tables_fit(page, must_show=(_("Time"),))


def test_the_home_page_leads_with_the_open_round_and_its_share_links(page: Page, live: str, shots: Path):
    _scenario()
    page.goto(live + "/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLE)
    # The round comes before anything else of the page's content.
    first_heading = page.locator("main h1, main h2").first
    expect(first_heading).to_have_text(TITLE)
    time_left = re.compile(r"^Còn \d+\sngày.+ · đóng lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}\s*$")
    expect(page.locator(".time-left")).to_contain_text(time_left)
    check_page(page, shots, "01-home")

    take_part = page.get_by_role("link", name=_("Take part"), exact=True)
    box = take_part.bounding_box()
    assert box["width"] >= 280 and box["height"] >= 48, box
    contest_url = f"{live}/contests/cchc-2025/"
    zalo = page.get_by_role("link", name="Chia sẻ qua Zalo")
    facebook = page.get_by_role("link", name="Chia sẻ qua Facebook")
    expect(zalo).to_have_attribute("href", f"https://sp.zalo.me/share_inline?url={quote(contest_url, safe='')}")
    expect(facebook).to_have_attribute("href",
                                       f"https://www.facebook.com/sharer/sharer.php?u={quote(contest_url, safe='')}")
    expect(page.get_by_text(contest_url, exact=True)).to_be_visible()
    # No third-party script: every script the page loads is the site's own.
    sources = page.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert sources and all(src.startswith(live) for src in sources), sources

    take_part.click()
    expect(page).to_have_url(re.compile(r"/accounts/register/\?next=/contests/cchc-2025/rounds/1/start/$"))
    check_page(page, shots, "02-register")
    page.goto(f"{live}/accounts/login/?next=/")
    page.get_by_label(label(_("Phone number or email"))).fill("0912345678")
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    page.goto(live + "/")
    check_page(page, shots, "03-home-logged-in")
    page.get_by_role("link", name=_("Take part"), exact=True).click()
    expect(page).to_have_url(f"{live}/contests/cchc-2025/rounds/1/start/")
    check_page(page, shots, "04-round-start")


def test_the_home_page_without_javascript_leads_with_the_open_round(page_without_js: Page, live: str, shots: Path):
    _scenario()
    page = page_without_js
    page.goto(live + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Chia sẻ qua Zalo")).to_be_visible()
    check_page(page, shots, "01-home-no-js")
