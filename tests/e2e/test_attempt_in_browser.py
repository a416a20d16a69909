"""A staff member takes a timed quiz on a phone: answers are autosaved (htmx) and acknowledged,
survive a reload and a dropped connection, the attempt is submitted after a review, and a
quiz whose countdown reaches zero submits itself. Without JavaScript the same attempt works with
plain form posts."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext as _
from playwright.sync_api import Browser, Page, expect

from accounts.models import UnitKind
from accounts.roles import Role
from quizzes.models import Attempt, AttemptStatus
from tests.e2e.helpers import PageWatch, check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d:\d\d")


def _staff_member():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    office = make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    return make_user(role=Role.STAFF, unit=office, phone="0912345678", full_name="Phạm Thị An")


def _quiz(**fields):
    topic = make_topic()
    questions = [
        make_question(topic=topic, text=f"Câu hỏi thử {n}?",
                      choices=[(f"Phương án {n}A", True), (f"Phương án {n}B", False), (f"Phương án {n}C", False)])
        for n in range(1, 4)
    ]
    return make_quiz(questions=questions, shuffle_questions=False, shuffle_choices=False, slug="thu", **fields)


def _log_in(page: Page, live: str, next_path: str) -> None:
    page.goto(f"{live}{next_path}")
    page.get_by_label(label(_("Phone number or email"))).fill("0912345678")
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(f"{live}{next_path}")


def test_an_attempt_autosaves_survives_a_reload_and_a_dropped_connection(page: Page, live: str, shots: Path,
                                                                         page_watch: PageWatch):
    _staff_member()
    _quiz(time_limit_seconds=600)
    _log_in(page, live, "/quizzes/thu/")
    check_page(page, shots, "01-quiz-page")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_text("Câu hỏi thử 1?")).to_be_visible()
    expect(page.locator(".countdown-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    check_page(page, shots, "02-attempt")

    item1 = Attempt.objects.get().items.get(position=1)
    page.get_by_label("Phương án 1B").check()
    expect(page.locator(f"#saved-{item1.pk}")).to_have_text(SAVED)
    page.reload()
    expect(page.get_by_label("Phương án 1B")).to_be_checked()
    check_page(page, shots, "03-reloaded")

    # The connection drops: the choice is not acknowledged but said to be pending, and it is sent
    # by itself once the connection is back.
    item2 = Attempt.objects.get().items.get(position=2)
    page.context.set_offline(True)
    page.get_by_label("Phương án 2A").check()
    expect(page.locator(f"#saved-{item2.pk}")).to_have_text(
        "Chưa lưu được vì mất kết nối. Câu trả lời sẽ được lưu khi có kết nối trở lại.")
    item2.refresh_from_db()
    assert item2.selected == []
    page.context.set_offline(False)
    expect(page.locator(f"#saved-{item2.pk}")).to_have_text(SAVED)
    page_watch.console_errors.clear()  # the browser logs the failed request; that is the point here
    item2.refresh_from_db()
    assert item2.selected == [item2.choices[0]["id"]]

    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem lại bài làm")
    expect(page.get_by_role("link", name="Câu 3")).to_be_visible()
    check_page(page, shots, "04-review")
    page.get_by_role("main").get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_text("Đúng 1/3 câu")).to_be_visible()
    expect(page.get_by_text("(đáp án đúng)").first).to_be_visible()
    check_page(page, shots, "05-result")
    attempt = Attempt.objects.get()
    assert (attempt.status, attempt.score) == (AttemptStatus.SUBMITTED, 1)


def test_the_countdown_submits_the_attempt_at_zero(page: Page, live: str, shots: Path):
    _staff_member()
    _quiz(time_limit_seconds=3)
    _log_in(page, live, "/quizzes/thu/")
    check_page(page, shots, "01-quiz-page")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.get_by_label("Phương án 1A").check()
    expect(page.get_by_text("Đã hết giờ: bài làm của bạn đã được nộp.")).to_be_visible(timeout=10_000)
    check_page(page, shots, "02-timed-out")
    attempt = Attempt.objects.get()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score == 1


def test_without_javascript_plain_posts_save_and_submit(browser: Browser, live: str, shots: Path):
    _staff_member()
    _quiz(time_limit_seconds=600)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    watch = PageWatch()
    watch.follow(page, javascript=False)
    _log_in(page, live, "/quizzes/thu/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_text(re.compile(r"Hết giờ lúc \d\d:\d\d"))).to_be_visible()
    check_page(page, shots, "01-attempt-no-js")
    page.get_by_label("Phương án 1A").check()
    page.get_by_label("Phương án 3A").check()
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.get_by_role("link", name="Câu 2")).to_be_visible()
    check_page(page, shots, "02-review-no-js")
    page.get_by_role("main").get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_text("Đúng 2/3 câu")).to_be_visible()
    check_page(page, shots, "03-result-no-js")
    watch.assert_clean()
    context.close()
