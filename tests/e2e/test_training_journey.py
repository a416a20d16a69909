"""A civil servant on a phone does a whole module: sees it assigned with its due date, reads the
lessons (the progress bar moves in place), passes the quiz, downloads the certificate, and the
address its QR code holds verifies it; then the unit manager sees that member as done and
downloads the unit's list."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import UnitKind
from accounts.roles import Role
from quizzes.models import Attempt
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic
from training.models import Assignment, Certificate, Lesson, Module, ModuleStatus


def _world():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE)
    office = make_unit("Văn phòng HĐND và UBND xã", kind=UnitKind.DEPARTMENT, parent=commune)
    make_user(role=Role.STAFF, unit=office, phone="0912345678", full_name="Phạm Thị An")
    make_user(role=Role.UNIT_MANAGER, unit=office, phone="0912345679", full_name="Lê Văn Minh")
    topic = make_topic()
    questions = [make_question(topic=topic, text=f"Câu hỏi học phần {n}?",
                               choices=[(f"Đáp án {n}A", True), (f"Đáp án {n}B", False)]) for n in (1, 2, 3)]
    quiz = make_quiz(questions=questions, shuffle_questions=False, shuffle_choices=False, slug="kiem-tra-nq76",
                     audience="staff", pass_mark_percent=70, attempts_allowed=3)
    module = Module.objects.create(title="Nghị quyết 76/NQ-CP", slug="nghi-quyet-76", status=ModuleStatus.PUBLISHED,
                                   audience="staff", quiz=quiz, summary="Chương trình tổng thể CCHC 2021–2030.")
    for order, title in enumerate(["Tổng quan", "Sáu nội dung cải cách", "Chỉ tiêu đến năm 2030"], start=1):
        Lesson.objects.create(module=module, order=order, slug=f"bai-{order}", title=title,
                              body=f"## {title}\n\nNội dung bài {order}.", sources="- Nghị quyết 76/NQ-CP.")
    due = timezone.localdate() + timedelta(days=14)
    Assignment.objects.create(module=module, unit=office, due_date=due)
    return module, due


def _log_in(page: Page, live: str, phone: str, next_path: str) -> None:
    page.goto(f"{live}/accounts/login/?next={next_path}")
    page.get_by_label(label(_("Phone number or email"))).fill(phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(page).to_have_url(f"{live}{next_path}")


def test_a_staff_member_completes_a_module_and_the_manager_sees_it(page: Page, live: str, shots: Path, settings):
    settings.SITE_URL = live  # the QR code and the printed address point at this server
    module, due = _world()

    _log_in(page, live, "0912345678", "/training/")
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    expect(page.get_by_role("link", name="Nghị quyết 76/NQ-CP")).to_be_visible()
    expect(page.get_by_text(f"Hạn hoàn thành: {due:%d/%m/%Y}")).to_be_visible()
    check_page(page, shots, "01-my-training")

    page.get_by_role("link", name="Nghị quyết 76/NQ-CP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nghị quyết 76/NQ-CP")
    expect(page.get_by_text("Bài kiểm tra sẽ mở khi bạn học xong tất cả các bài.")).to_be_visible()
    check_page(page, shots, "02-module")
    page.get_by_role("link", name="Bắt đầu bài đầu tiên").click()

    for n, percent in ((1, 33), (2, 67), (3, 100)):
        expect(page.get_by_role("heading", level=1)).to_have_text(module.lessons.get(order=n).title)
        expect(page.get_by_role("heading", name="Nguồn")).to_be_visible()
        check_page(page, shots, f"03-lesson-{n}")
        bar = page.get_by_role("progressbar", name="Số bài đã học")
        expect(bar).to_have_attribute("value", str(round(100 * (n - 1) / 3)))
        page.get_by_role("button", name="Tôi đã đọc xong").click()
        # htmx swapped the fragment in place: same page, the bar moved.
        expect(page.get_by_text("Bạn đã đọc xong bài này.")).to_be_visible()
        expect(bar).to_have_attribute("value", str(percent))
        expect(page.get_by_text(f"Đã học {n}/3 bài ({percent}%)")).to_be_visible()
        check_page(page, shots, f"04-lesson-{n}-read")
        if n < 3:
            page.get_by_role("link", name=re.compile("^Bài tiếp theo")).click()

    page.get_by_role("link", name="Làm bài kiểm tra của học phần").click()
    expect(page).to_have_url(f"{live}/quizzes/kiem-tra-nq76/")
    check_page(page, shots, "05-quiz")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    for n in (1, 2, 3):
        page.get_by_label(f"Đáp án {n}A").check()
    check_page(page, shots, "06-attempt")
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    check_page(page, shots, "07-confirm")
    page.get_by_role("main").get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_text("Đúng 3/3 câu")).to_be_visible()
    check_page(page, shots, "08-result")
    assert Attempt.objects.get().passed

    page.goto(f"{live}/training/modules/nghi-quyet-76/")
    expect(page.get_by_text(re.compile("Bạn đã hoàn thành học phần này ngày"))).to_be_visible()
    check_page(page, shots, "09-module-complete")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải chứng nhận (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    certificate = Certificate.objects.get()
    assert "Chứng nhận hoàn thành học phần" in text and "Phạm Thị An" in text
    verify_url = f"{live}/training/verify/{certificate.code}/"
    assert f"Xác minh tại: {verify_url}" in text

    page.goto(verify_url)
    expect(page.get_by_role("heading", name="Chứng nhận này hợp lệ.")).to_be_visible()
    expect(page.get_by_text("Phạm Thị An")).to_be_visible()
    check_page(page, shots, "10-verified")

    page.get_by_role("button", name=_("Log out")).click()
    check_page(page, shots, "11-logged-out")
    _log_in(page, live, "0912345679", "/training/manage/progress/")
    row = page.get_by_role("row").filter(has_text="Phạm Thị An")
    expect(row).to_contain_text("Đã hoàn thành")
    expect(row).to_contain_text("3/3")
    check_page(page, shots, "12-manager-progress")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải danh sách này (.xlsx)").click()
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Phạm Thị An"][6] == "Đã hoàn thành"
    assert rows["Lê Văn Minh"][6] == "Chưa bắt đầu"
