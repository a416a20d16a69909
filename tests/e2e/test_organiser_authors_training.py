"""An organiser on a phone (360 px) authors training without the Django admin: creates a module,
writes its lesson with a preview, draws its quiz from the bank, publishes the module and assigns
it to a unit with a due date; a staff member of that unit then finds it on their to-do list.
axe-core checks every page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import AuditEntry, UnitKind
from accounts.roles import Role
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_topic
from training.models import Assignment, Lesson, Module, ModuleStatus


def _log_in(page: Page, live: str, phone: str, next_path: str) -> None:
    page.goto(f"{live}/accounts/login/?next={next_path}")
    page.get_by_label(label(_("Phone number or email"))).fill(phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(f"{live}{next_path}")


def test_an_organiser_authors_and_publishes_a_module_that_staff_then_see(page: Page, live: str, shots: Path):
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    culture = make_unit("Phòng Văn hóa - Xã hội", kind=UnitKind.DEPARTMENT, parent=commune)
    office = make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    make_user(role=Role.ORGANISER, unit=culture, phone="0912000001", full_name="Trần Thị Hoa")
    make_user(role=Role.STAFF, unit=office, phone="0912000003", full_name="Phạm Thị Lan")
    topic = make_topic("Chính quyền hai cấp")
    for _n in range(3):
        make_question(topic=topic)

    _log_in(page, live, "0912000001", "/training/manage/modules/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Training authoring"))
    check_page(page, shots, "01-modules")

    page.get_by_role("link", name=_("New module")).click()
    check_page(page, shots, "02-new-module")
    page.get_by_label(label(capfirst(_("title")))).fill("Chính quyền địa phương hai cấp")
    page.get_by_role("button", name=_("Create the module")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chính quyền địa phương hai cấp")
    check_page(page, shots, "04-module")

    page.get_by_role("link", name=_("Add a lesson")).click()
    check_page(page, shots, "05-new-lesson")
    page.get_by_label(label(capfirst(_("title")))).fill("Tổ chức bộ máy cấp xã")
    body = "## Từ ngày 01/7/2025\n\nXã **trực tiếp** giải quyết thủ tục."
    page.get_by_label(label(capfirst(_("body (Markdown)")))).fill(body)
    page.get_by_role("button", name=_("Preview the text")).click()
    # htmx put the rendered text under the button, on the same page, nothing saved yet.
    preview = page.locator("#markdown-preview")
    expect(preview.locator("strong")).to_have_text("trực tiếp")
    assert not Lesson.objects.exists()
    page.get_by_label(label(_("Video link"))).fill("https://www.youtube.com/watch?v=cchc2025")
    page.get_by_role("button", name=_("Add the lesson")).click()
    expect(page.get_by_text(_("The lesson was added."))).to_be_visible()
    expect(page.get_by_role("link", name=_("Watch the video"))).to_be_visible()
    check_page(page, shots, "06-lesson-saved")

    page.get_by_role("link", name="Chính quyền địa phương hai cấp").click()
    check_page(page, shots, "07-module-with-lesson")
    page.get_by_role("link", name=_("Set up the quiz")).click()
    expect(page.get_by_text("Có 3 câu hỏi đã xuất bản")).to_be_visible()  # the live pool of the topic
    check_page(page, shots, "08-quiz")
    page.get_by_label(label(topic.name)).fill("2")
    page.get_by_role("button", name=_("Save the quiz")).click()
    expect(page.get_by_text(_("The module quiz was saved."))).to_be_visible()
    page.get_by_role("button", name=_("Publish")).click()
    expect(page.get_by_text(_("The module is published: learners can see it now."))).to_be_visible()
    check_page(page, shots, "09-published")
    module = Module.objects.get()
    assert module.status == ModuleStatus.PUBLISHED and module.lessons.count() == 1
    assert [(rule.topic, rule.count) for rule in module.quiz.draw_rules.all()] == [(topic, 2)]

    page.get_by_role("link", name=_("Assign to units with a due date")).click()
    check_page(page, shots, "10-assign")
    due = timezone.localdate() + timedelta(days=14)
    page.get_by_label(label(_("Units"))).select_option(label=office.name)
    page.get_by_label(label(_("Due date"))).fill(due.isoformat())
    page.get_by_role("button", name=_("Assign")).click()
    expect(page.get_by_text("Đã giao học phần cho 1 đơn vị.")).to_be_visible()
    check_page(page, shots, "11-assigned")
    assert Assignment.objects.get().unit == office
    assert {"module.create", "lesson.create", "module.quiz_update", "module.publish", "assignment.create"} <= set(
        AuditEntry.objects.values_list("action", flat=True))

    page.get_by_role("button", name=_("Log out")).click()
    check_page(page, shots, "12-logged-out")
    _log_in(page, live, "0912000003", "/training/")
    expect(page.get_by_role("link", name="Chính quyền địa phương hai cấp")).to_be_visible()
    expect(page.get_by_text(f"Hạn hoàn thành: {due:%d/%m/%Y}")).to_be_visible()
    check_page(page, shots, "13-staff-to-do")
    page.get_by_role("link", name="Chính quyền địa phương hai cấp").click()
    check_page(page, shots, "14-staff-module")
    page.get_by_role("link", name=_("Start the first lesson")).click()
    expect(page.locator(".lesson-body strong")).to_have_text("trực tiếp")
    check_page(page, shots, "15-staff-lesson")


def test_without_javascript_the_preview_and_the_order_still_work(page_without_js: Page, live: str, shots: Path):
    page = page_without_js
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    make_user(role=Role.ORGANISER, unit=commune, phone="0912000001", full_name="Trần Thị Hoa")
    module = Module.objects.create(title="Đề án 06", slug="de-an-06")
    for order, title in enumerate(["Bài một", "Bài hai"], start=1):
        Lesson.objects.create(module=module, order=order, slug=f"bai-{order}", title=title, body=f"Nội dung {order}.")

    _log_in(page, live, "0912000001", f"/training/manage/modules/{module.pk}/")
    check_page(page, shots, "01-module")
    page.get_by_role("button", name=re.compile("“Bài hai”")).click()  # "Up", named with the lesson for screen readers
    expect(page.locator(".author-lessons li").first).to_contain_text("Bài hai")
    check_page(page, shots, "02-reordered")
    assert list(module.lessons.order_by("order").values_list("title", flat=True)) == ["Bài hai", "Bài một"]

    page.get_by_role("link", name="Bài một").click()
    check_page(page, shots, "03-lesson")
    page.get_by_label(label(capfirst(_("body (Markdown)")))).fill("Chữ **đậm** <script>alert(1)</script>")
    page.get_by_role("button", name=_("Preview the text")).click()  # a plain form post: the page comes back
    expect(page.locator("#markdown-preview strong")).to_have_text("đậm")
    expect(page.locator("#markdown-preview")).to_contain_text("<script>alert(1)</script>")  # shown as text
    check_page(page, shots, "04-preview")
    assert Lesson.objects.get(title="Bài một").body == "Nội dung 1."  # nothing saved by a preview
