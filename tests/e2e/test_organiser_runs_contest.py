"""Issue 12's journey at 360 px, without the Django admin: the organiser (0905000001) creates a
contest from topics on the platform's own pages, adds 2 weekly rounds and publishes it; a resident
registers from the contest page and takes round 1; the organiser moves round 1's close to a few
minutes ago, decides the suspicion flag the resident's quick perfect round raised, closes the
round and downloads the winners' final ranking. No /admin/ address is ever visited."""

from __future__ import annotations

import hashlib
import io
import re
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import Browser, Page, expect

from accounts.models import ConsentPurpose, UnitKind, User
from accounts.roles import Role
from contests.models import Contest, FlagStatus, Prize, PrizeKind, Round, Standing, SuspicionFlag
from quizzes.models import Topic
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.helpers import PageWatch, check_page, label
from tests.factories import make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_topic
from tests.taskqueue import run_queued_tasks

ORGANISER_PHONE, ORGANISER_PASSWORD = "0905000001", "DongTraBong@2025"


def _scenario() -> Topic:
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=0)
    make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=2)
    department = make_unit("Phòng Văn hóa - Xã hội", kind=UnitKind.DEPARTMENT, parent=commune, headcount=5)
    organiser = make_user(role=Role.ORGANISER, unit=department, phone=ORGANISER_PHONE, full_name="Trần Thị Tổ Chức")
    organiser.set_password(ORGANISER_PASSWORD)
    organiser.save()
    topic = make_topic("Dịch vụ công trực tuyến")
    for n in range(1, 4):
        make_question(topic=topic, text=f"Câu hỏi cuộc thi {n}?",
                      choices=[(f"Đáp án {n}A", True), (f"Đáp án {n}B", False), (f"Đáp án {n}C", False)])
    make_question(topic=make_topic("Chủ đề khác"))
    return topic


def test_the_organiser_sets_up_and_runs_a_contest_without_the_admin(page: Page, live: str, shots: Path,
                                                                    browser: Browser, settings):
    # A short grace period, so the round can be closed a few seconds after its new close.
    settings.ATTEMPT_GRACE_SECONDS = 5
    topic = _scenario()
    visited: list[str] = []

    organiser_context = browser.new_context(viewport=PHONE_VIEWPORT, locale="vi-VN", is_mobile=True, has_touch=True)
    org = organiser_context.new_page()
    org.on("framenavigated", lambda frame: visited.append(frame.url) if frame is org.main_frame else None)
    watch = PageWatch()
    watch.follow(org)

    # Log in, then find the contest set-up from the menu.
    org.goto(f"{live}/accounts/login/")
    check_page(org, shots, "01-login")
    org.get_by_label(label(_("Phone number or email"))).fill(ORGANISER_PHONE)
    org.get_by_label(label(_("Password"))).fill(ORGANISER_PASSWORD)
    org.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    check_page(org, shots, "02-home")
    org.get_by_text(_("Manage"), exact=True).click()
    org.get_by_role("link", name=_("Set up contests")).click()
    check_page(org, shots, "03-contests")
    org.get_by_role("link", name=_("New contest")).click()
    check_page(org, shots, "04-new-contest")

    # The contest: rules with a preview, residents, questions per topic with their live count.
    org.get_by_label(label(_("Contest title"))).fill("Tìm hiểu dịch vụ công trực tuyến 2026")
    org.get_by_label(label(_("Web address"))).fill("dvc-2026")
    org.get_by_label(label(_("Short description (shown in link previews)"))).fill(
        "Cuộc thi trực tuyến dành cho người dân xã.")
    org.get_by_label(label(_("Rules (thể lệ)"))).fill("1. Mỗi tuần **một** vòng thi.\n2. Làm bài trong 10 phút.")
    org.get_by_role("button", name=_("Preview the rules")).click()
    expect(org.locator("#rules-preview strong")).to_have_text("một")
    # Each change recounts by htmx: wait for the fragment before typing on.
    with org.expect_response(lambda r: r.request.method == "POST"):
        org.get_by_label(label(_("Who may take part"))).select_option("residents")
    expect(org.locator(f"#id_topic_{topic.pk}_pool")).to_contain_text("3")
    with org.expect_response(lambda r: r.request.method == "POST"):
        org.get_by_label(label(topic.name)).fill("5")
        org.get_by_label(label(topic.name)).blur()
    expect(org.locator("#draw-pools .errorlist")).to_be_visible()  # the live check: only 3 can be drawn
    check_page(org, shots, "04b-pool-too-small")
    org.get_by_label(label(topic.name)).fill("3")
    org.get_by_label(label(_("Time limit (minutes)"))).fill("10")
    org.get_by_label(label(_("Attempts per round"))).fill("1")
    org.get_by_role("main").get_by_role("button", name=_("Save"), exact=True).click()
    expect(org).to_have_url(re.compile(r"/contests/manage/dvc-2026/$"))
    check_page(org, shots, "05-overview")
    contest = Contest.objects.get(slug="dvc-2026")
    assert list(contest.draw_rules.values_list("topic_id", "count")) == [(topic.pk, 3)]

    # Two weekly rounds from today.
    org.get_by_role("main").get_by_role("link", name=_("Add weekly rounds")).first.click()
    check_page(org, shots, "06-generate")
    today = timezone.localdate()
    org.get_by_label(label(_("First day of the first round"))).fill(today.isoformat())
    org.get_by_label(label(_("Number of weekly rounds"))).fill("2")
    org.get_by_role("button", name=_("Add the rounds")).click()
    check_page(org, shots, "07-rounds")
    first, second = Round.objects.filter(contest=contest).order_by("number")
    assert timezone.localtime(first.opens_at).strftime("%d/%m/%Y %H:%M") == today.strftime("%d/%m/%Y 00:00")
    assert timezone.localtime(second.closes_at).date() == today + timedelta(days=13)

    org.get_by_role("button", name=_("Publish the contest")).click()
    check_page(org, shots, "08-published")
    contest.refresh_from_db()
    assert contest.is_published
    # A quick perfect round is flagged for the organiser to decide (the contest's threshold).
    Contest.objects.filter(pk=contest.pk).update(suspicious_seconds_per_question=600)

    # A resident registers from the contest page and takes round 1.
    page.goto(f"{live}/contests/dvc-2026/")
    check_page(page, shots, "09-contest")
    page.get_by_role("main").get_by_role("link", name=_("Register")).click()
    check_page(page, shots, "10-register")
    page.get_by_label(label(_("Full name"))).fill("Nguyễn Thị Hoa")
    page.get_by_label(label(_("Birth year"))).fill("1985")
    page.get_by_label(label(_("Mobile phone number"))).fill("0912 345 678")
    page.get_by_label(label(_("Village"))).select_option(label="Thôn Một (Xã Thử Nghiệm)")
    page.get_by_label(label(_("Password"))).fill("Hoa-du-thi-2025")
    page.get_by_label(label(_("Password again"))).fill("Hoa-du-thi-2025")
    page.get_by_label(str(ConsentPurpose.CONTESTS.label)).check()
    page.get_by_label(str(ConsentPurpose.LEADERBOARD.label)).check()
    page.get_by_role("main").get_by_role("button", name=_("Register")).click()
    expect(page).to_have_url(re.compile(r"/contests/dvc-2026/rounds/1/start/$"))
    check_page(page, shots, "11-round-start")
    page.get_by_role("button", name=_("Start")).click()
    expect(page.locator(".countdown-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    check_page(page, shots, "12-attempt")
    for n in range(1, 4):
        page.get_by_label(f"Đáp án {n}A").check()
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    check_page(page, shots, "13-review")
    page.get_by_role("link", name=_("Continue to submit")).click()
    check_page(page, shots, "14-prediction")
    page.get_by_label(label(_("Your prediction"))).fill("1")
    page.get_by_role("main").get_by_role("button", name=_("Submit")).click()
    expect(page.get_by_text("Đúng 3/3 câu")).to_be_visible()
    check_page(page, shots, "14b-result")
    resident = User.objects.get(phone="0912345678")
    assert Standing.objects.get(round=first, user=resident).score == 3

    # The organiser ends round 1 early, on its own page: at the first whole minute after the
    # resident started (a close cannot come before an attempt's start).
    org.get_by_role("link", name=_("Edit %(round)s") % {"round": first.label}).click()
    check_page(org, shots, "15-round-edit")
    started = Standing.objects.get(round=first, user=resident).attempt.started_at
    ended = timezone.localtime(started).replace(second=0, microsecond=0) + timedelta(minutes=1)
    org.get_by_label(label(_("Closes at"))).fill(ended.strftime("%Y-%m-%dT%H:%M"))
    org.get_by_role("main").get_by_role("button", name=_("Save")).click()
    check_page(org, shots, "16-round-saved")
    first.refresh_from_db()
    assert first.closes_at == ended
    # The close button works once the close and its grace period are past.
    while timezone.now() < ended + timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 1):
        time.sleep(1)

    # Flags first: the quick perfect round is cleared with a reason.
    org.get_by_role("link", name=_("Participation")).first.click()
    check_page(org, shots, "17-participation")
    org.get_by_role("button", name=_("Check for suspicious attempts")).click()
    check_page(org, shots, "18-flags")
    flag = SuspicionFlag.objects.get(round=first, user=resident)
    org.get_by_label(str(_("Clear: nothing wrong"))).first.check()
    org.get_by_label(label(_("Reason"))).first.fill("Đã gọi điện xác minh: người dân tự làm bài.")
    org.get_by_role("button", name=_("Record the decision")).first.click()
    check_page(org, shots, "19-flag-decided")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED

    # Close round 1: the button queues the close, the page polls its progress while a worker of
    # the task queue computes it (run here by the test, as a worker would), then the winners.
    org.goto(f"{live}/contests/dvc-2026/rounds/1/participation/")
    check_page(org, shots, "20-participation")
    org.get_by_role("button", name=_("Close the round and compute the final ranking")).click()
    expect(org.locator("#closing [role=status]")).to_contain_text("hàng đợi tác vụ")
    assert run_queued_tasks() == ["done"]
    org.get_by_role("link", name=_("See the winners")).click(timeout=15_000)
    expect(org).to_have_url(re.compile(r"/rounds/1/winners/$"))
    check_page(org, shots, "21-winners")
    first.refresh_from_db()
    assert first.is_final
    assert [p.standing.user_id for p in Prize.objects.filter(round=first, kind=PrizeKind.INDIVIDUAL)] == [resident.pk]
    with org.expect_download() as download_info:
        org.get_by_role("link", name=_("Download the final ranking (CSV)")).click()
    body = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(body).hexdigest() == first.snapshot_sha256
    assert "Nguyễn T. H" in body.decode()
    # The organisers' winners file, from the reports dashboard: full name, phone and unit.
    org.goto(f"{live}/reports/")
    check_page(org, shots, "22-dashboard")
    with org.expect_download() as download_info:
        org.locator(f"a[href^='/reports/export/rounds/{first.pk}/winners/']").first.click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert {resident.full_name, resident.phone} <= cells

    assert visited and not [url for url in visited if "/admin/" in url]
    watch.assert_clean()
    organiser_context.close()


def test_the_contest_form_works_without_javascript(page_without_js: Page, live: str, shots: Path):
    """The preview and the recount buttons post the whole form and the page comes back with the
    preview or the counts, nothing saved; the save button saves."""
    topic = _scenario()
    page = page_without_js
    page.goto(f"{live}/accounts/login/?next=/contests/manage/new/")
    page.get_by_label(label(_("Phone number or email"))).fill(ORGANISER_PHONE)
    page.get_by_label(label(_("Password"))).fill(ORGANISER_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(re.compile(r"/contests/manage/new/$"))
    check_page(page, shots, "01-new-contest")
    page.get_by_label(label(_("Contest title"))).fill("Thi không cần JavaScript")
    page.get_by_label(label(_("Web address"))).fill("khong-js")
    page.get_by_label(label(_("Rules (thể lệ)"))).fill("Thể lệ **rõ ràng**.")
    page.get_by_role("button", name=_("Preview the rules")).click()
    check_page(page, shots, "02-preview")
    expect(page.locator("#rules-preview strong")).to_have_text("rõ ràng")
    page.get_by_label(label(_("Who may take part"))).select_option("staff")
    page.get_by_label(label(topic.name)).fill("9")
    page.get_by_role("button", name=_("Count the questions again")).click()
    check_page(page, shots, "03-recount")
    expect(page.locator("#draw-pools .errorlist")).to_be_visible()
    assert not Contest.objects.exists()
    page.get_by_label(label(topic.name)).fill("2")
    page.get_by_role("main").get_by_role("button", name=_("Save"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/contests/manage/khong-js/$"))
    check_page(page, shots, "04-saved")
    contest = Contest.objects.get(slug="khong-js")
    assert (contest.audience, contest.rules) == ("staff", "Thể lệ **rõ ràng**.")
