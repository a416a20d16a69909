"""The attempt on a weak phone, at 360 px (issue 13): nothing chosen is lost, with JavaScript or
without it.

With JavaScript: each answer is saved when chosen, the "answered N of 10" counter follows each
save, a reload keeps every answer, a save cut off by the network is marked with a warning (not
the green of "saved", an icon and words) and sent again once the connection is back, a server
that fails is retried, and "Save and review" lists answered and unanswered questions with links.
Without JavaScript: every button saves the page first, the submit button included (three answers
chosen, the submit pressed: scored on those three), and the page says so."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext as _
from playwright.sync_api import Page, Route, expect

from accounts.models import UnitKind
from accounts.roles import Role
from quizzes.models import Attempt, AttemptStatus
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d:\d\d")
OFFLINE = "Chưa lưu được vì mất kết nối. Câu trả lời sẽ được lưu khi có kết nối trở lại."


def _staff_member():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    office = make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    return make_user(role=Role.STAFF, unit=office, phone="0912345678", full_name="Phạm Thị An")


def _ten_questions():
    topic = make_topic()
    questions = [
        make_question(topic=topic, text=f"Câu hỏi thử {n}?",
                      choices=[(f"Phương án {n}A", True), (f"Phương án {n}B", False), (f"Phương án {n}C", False)])
        for n in range(1, 11)
    ]
    return make_quiz(questions=questions, shuffle_questions=False, shuffle_choices=False, slug="thu",
                     time_limit_seconds=1800)


def _log_in_and_start(page: Page, live: str, shots: Path) -> None:
    page.goto(f"{live}/quizzes/thu/")
    page.get_by_label(label(_("Phone number or email"))).fill("0912345678")
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(f"{live}/quizzes/thu/")
    check_page(page, shots, "01-quiz-page")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_text("Câu hỏi thử 1?")).to_be_visible()


def _item(position: int):
    return Attempt.objects.get().items.get(position=position)


def _saved(position: int) -> list[int]:
    return _item(position).selected


def _choice_id(position: int, letter: str) -> int:
    return _item(position).choices["ABC".index(letter)]["id"]


def _counter(page: Page):
    return page.locator("#answered-count")


# --- With JavaScript ---------------------------------------------------------------------------


def test_with_javascript_the_counter_follows_each_save_and_a_reload_and_the_submit_keep_every_answer(
        page: Page, live: str, shots: Path):
    _staff_member()
    _ten_questions()
    _log_in_and_start(page, live, shots)
    expect(page.get_by_text("Mỗi câu trả lời được lưu ngay khi bạn chọn", exact=False)).to_be_visible()
    expect(page.get_by_text("Câu trả lời của bạn được lưu khi bạn bấm một nút", exact=False)).to_be_hidden()
    expect(page.get_by_role("button", name="Lưu câu trả lời", exact=True)).to_be_hidden()
    expect(page.get_by_text(re.compile(r"Hết giờ lúc \d\d:\d\d"))).to_be_visible()
    expect(page.locator(".countdown-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(_counter(page)).to_have_text("Đã trả lời 0/10 câu")
    check_page(page, shots, "02-attempt")

    for n, (position, letter) in enumerate([(1, "A"), (2, "B"), (3, "A")], start=1):
        page.get_by_label(f"Phương án {position}{letter}").check()
        expect(page.locator(f"#saved-{_item(position).pk}")).to_have_text(SAVED)
        expect(_counter(page)).to_have_text(f"Đã trả lời {n}/10 câu")
    # Changing an answer is not one more answered question.
    page.get_by_label("Phương án 2C").check()
    expect(page.locator(f"#saved-{_item(2).pk}")).to_have_text(SAVED)
    expect(_counter(page)).to_have_text("Đã trả lời 3/10 câu")
    assert _saved(2) == [_choice_id(2, "C")]

    page.reload()
    for choice in ("Phương án 1A", "Phương án 2C", "Phương án 3A"):
        expect(page.get_by_label(choice)).to_be_checked()
    expect(_counter(page)).to_have_text("Đã trả lời 3/10 câu")
    check_page(page, shots, "03-reloaded")

    page.get_by_role("button", name="Lưu và nộp bài", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận nộp bài")
    check_page(page, shots, "04-confirm")
    page.get_by_role("main").get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.get_by_text("Đúng 2/10 câu")).to_be_visible()
    check_page(page, shots, "05-result")
    attempt = Attempt.objects.get()
    assert (attempt.status, attempt.score) == (AttemptStatus.SUBMITTED, 2)
    assert [i.selected for i in attempt.items.order_by("position")][:4] == [
        [_choice_id(1, "A")], [_choice_id(2, "C")], [_choice_id(3, "A")], []]


def test_an_answer_chosen_offline_is_marked_as_a_warning_and_saved_once_back_online(
        page: Page, live: str, shots: Path, page_watch):
    _staff_member()
    _ten_questions()
    _log_in_and_start(page, live, shots)
    page.get_by_label("Phương án 1A").check()
    saved_status = page.locator(f"#saved-{_item(1).pk}")
    expect(saved_status).to_have_text(SAVED)

    page.context.set_offline(True)
    page.get_by_label("Phương án 4B").check()
    pending = page.locator(f"#saved-{_item(4).pk}")
    expect(pending).to_have_text(OFFLINE)
    expect(pending).to_have_class(re.compile(r"\bis-pending\b"))
    # A warning, not the green of "saved": another colour, a background, and an icon with the words.
    style = ("(el, pseudo) => { const s = getComputedStyle(el, pseudo); "
             "return {color: s.color, background: s.backgroundColor, content: s.content}; }")
    saved, warning = saved_status.evaluate(style, None), pending.evaluate(style, None)
    assert warning["color"] != saved["color"]
    assert warning["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "⚠" in pending.evaluate(style, "::before")["content"]
    assert "✓" in saved_status.evaluate(style, "::before")["content"]
    expect(_counter(page)).to_have_text("Đã trả lời 1/10 câu")  # not acknowledged: not counted
    assert _saved(4) == []
    check_page(page, shots, "02-offline-warning")

    # A button pressed offline sends nothing and keeps the page (and the answers on it).
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.get_by_role("alert").filter(has_text="Mất kết nối")).to_be_visible()
    expect(page.get_by_label("Phương án 4B")).to_be_checked()

    page.context.set_offline(False)
    expect(pending).to_have_text(SAVED)
    expect(pending).not_to_have_class(re.compile(r"\bis-pending\b"))
    expect(_counter(page)).to_have_text("Đã trả lời 2/10 câu")
    assert _saved(4) == [_choice_id(4, "B")]
    check_page(page, shots, "03-back-online")

    # A server that fails (a proxy's 502) is retried as well, and the answer lands.
    failures = []

    def fail_once(route: Route) -> None:
        failures.append(route.request.url)
        route.fulfill(status=502, body="Bad gateway")

    page.route("**/answer/", fail_once)
    page.get_by_label("Phương án 5A").check()
    failed = page.locator(f"#saved-{_item(5).pk}")
    expect(failed).to_have_text("Chưa lưu được vì máy chủ không phản hồi. Hệ thống sẽ tự gửi lại.")
    page.unroute("**/answer/")
    expect(failed).to_have_text(SAVED, timeout=15_000)
    assert failures and _saved(5) == [_choice_id(5, "A")]
    expect(_counter(page)).to_have_text("Đã trả lời 3/10 câu")
    # The browser logs the failed requests; that is the point here.
    page_watch.console_errors.clear()
    page_watch.bad_responses.clear()


def test_save_and_review_lists_answered_and_unanswered_questions_with_links(page: Page, live: str, shots: Path):
    _staff_member()
    _ten_questions()
    _log_in_and_start(page, live, shots)
    for position in (1, 2, 7):
        page.get_by_label(f"Phương án {position}A").check()
        expect(page.locator(f"#saved-{_item(position).pk}")).to_have_text(SAVED)
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem lại bài làm")
    expect(page.get_by_text("Đã trả lời 3/10 câu")).to_be_visible()
    items = page.locator("ol.review-list > li")
    expect(items).to_have_count(10)
    expect(page.locator("ol.review-list > li.is-answered")).to_have_count(3)
    expect(items.nth(6)).to_contain_text("Đã trả lời")
    expect(items.nth(6)).to_contain_text("Phương án 7A")
    expect(items.nth(4)).to_contain_text("Chưa trả lời")
    check_page(page, shots, "02-review")

    page.get_by_role("link", name="Câu 5", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/quizzes/attempts/\d+/#q-{_item(5).pk}$"))
    check_page(page, shots, "03-back-to-question-5")
    page.get_by_label("Phương án 5A").check()
    expect(page.locator(f"#saved-{_item(5).pk}")).to_have_text(SAVED)
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.locator("ol.review-list > li.is-answered")).to_have_count(4)
    check_page(page, shots, "04-review-again")
    page.get_by_role("main").get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.get_by_text("Đúng 4/10 câu")).to_be_visible()
    check_page(page, shots, "05-result")
    assert Attempt.objects.get().score == 4


# --- Without JavaScript ------------------------------------------------------------------------


def test_without_javascript_the_submit_button_saves_the_chosen_answers(page_without_js: Page, live: str,
                                                                        shots: Path):
    """The bug as it was reported: three answers chosen, "Nộp bài" pressed, scored 0/10."""
    page = page_without_js
    _staff_member()
    _ten_questions()
    _log_in_and_start(page, live, shots)
    expect(page.get_by_text("Câu trả lời của bạn được lưu khi bạn bấm một nút", exact=False)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Hết giờ lúc \d\d:\d\d"))).to_be_visible()
    check_page(page, shots, "02-attempt-no-js")
    for choice in ("Phương án 1A", "Phương án 2A", "Phương án 3A"):
        page.get_by_label(choice).check()
    page.get_by_role("button", name="Lưu và nộp bài", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận nộp bài")
    check_page(page, shots, "03-confirm-no-js")
    page.get_by_role("main").get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.get_by_text("Đúng 3/10 câu")).to_be_visible()
    check_page(page, shots, "04-result-no-js")
    assert Attempt.objects.get().score == 3


def test_without_javascript_saved_answers_survive_a_reload_and_the_review(page_without_js: Page, live: str,
                                                                           shots: Path):
    page = page_without_js
    _staff_member()
    _ten_questions()
    _log_in_and_start(page, live, shots)
    for choice in ("Phương án 1A", "Phương án 4B", "Phương án 9A"):
        page.get_by_label(choice).check()
    page.get_by_role("button", name="Lưu câu trả lời", exact=True).click()
    expect(page.get_by_text(re.compile(r"Đã lưu các câu trả lời trên trang này \(\d\d:\d\d:\d\d\)"))).to_be_visible()
    expect(_counter(page)).to_have_text("Đã trả lời 3/10 câu")
    check_page(page, shots, "02-saved-no-js")
    assert (_saved(1), _saved(4), _saved(9)) == ([_choice_id(1, "A")], [_choice_id(4, "B")], [_choice_id(9, "A")])

    page.reload()
    for choice in ("Phương án 1A", "Phương án 4B", "Phương án 9A"):
        expect(page.get_by_label(choice)).to_be_checked()
    check_page(page, shots, "03-reloaded-no-js")

    page.get_by_label("Phương án 10A").check()
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem lại bài làm")
    expect(page.locator("ol.review-list > li.is-answered")).to_have_count(4)
    expect(page.locator("ol.review-list > li.is-unanswered")).to_have_count(6)
    check_page(page, shots, "04-review-no-js")
    page.get_by_role("main").get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.get_by_text("Đúng 3/10 câu")).to_be_visible()
    check_page(page, shots, "05-result-no-js")


def test_without_javascript_the_page_buttons_of_a_long_attempt_save_before_moving(page_without_js: Page, live: str,
                                                                                  shots: Path):
    page = page_without_js
    _staff_member()
    topic = make_topic()
    make_quiz(questions=[make_question(topic=topic, text=f"Câu dài {n}?",
                                       choices=[(f"Chọn {n}A", True), (f"Chọn {n}B", False)]) for n in range(1, 13)],
              shuffle_questions=False, shuffle_choices=False, slug="thu", time_limit_seconds=1800)
    page.goto(f"{live}/quizzes/thu/")
    page.get_by_label(label(_("Phone number or email"))).fill("0912345678")
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.get_by_label("Chọn 2A").check()
    page.get_by_role("button", name="Lưu và sang trang 3").click()
    expect(page.get_by_text("Câu dài 11?")).to_be_visible()
    check_page(page, shots, "01-page-3-no-js")
    page.get_by_label("Chọn 11B").check()
    page.get_by_role("button", name="Lưu và quay lại").click()
    expect(page.get_by_text("Câu dài 6?")).to_be_visible()
    check_page(page, shots, "02-page-2-no-js")
    attempt = Attempt.objects.get()
    assert [len(i.selected) for i in attempt.items.order_by("position")] == [0, 1] + [0] * 8 + [1, 0]
