"""Assisted mode at 360 px: a village officer logs in on their phone at the village hall,
registers a resident who has no phone (consent given in person), starts the contest round for
her, answers with her under the banner "Đang hỗ trợ: …", submits, and ends the assistance.
The database then holds her attempt, marked assisted by the officer, and her consent naming him."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import ConsentPurpose, ConsentRecord, UnitKind, User
from contests.models import Round, Standing
from quizzes.models import Attempt
from tests.assist_helpers import make_officer
from tests.contests.helpers import make_contest
from tests.e2e.helpers import check_page, label
from tests.factories import PASSWORD, make_unit
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic


def _scenario():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=0)
    village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=40)
    officer = make_officer(village, phone="0987000111", full_name="Hồ Văn Tâm")
    contest = make_contest(title="Tìm hiểu cải cách hành chính", slug="cchc-ho-tro")
    topic = make_topic()
    questions = [make_question(topic=topic, text=f"Câu hỏi {n}?",
                               choices=[(f"Đáp án {n}A", True), (f"Đáp án {n}B", False)]) for n in range(1, 3)]
    quiz = make_quiz(questions=questions, slug="cchc-ho-tro-1", title="Tuần 1", shuffle_questions=False,
                     shuffle_choices=False, time_limit_seconds=15 * 60, attempts_allowed=1)
    now = timezone.now()
    round_ = Round.objects.create(contest=contest, number=1, title="Tuần 1", quiz=quiz,
                                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6))
    return round_, officer


def test_an_officer_registers_a_resident_and_takes_the_round_with_her(page: Page, live: str, shots: Path):
    round_, officer = _scenario()
    banner = _("Assisting: %(name)s") % {"name": "Đinh Thị Nở"}

    page.goto(live + "/accounts/login/")
    check_page(page, shots, "01-login")
    page.get_by_label(label(_("Phone number or email"))).fill(officer.phone)
    page.get_by_label(label(_("Password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    check_page(page, shots, "02-home")

    page.goto(f"{live}/contests/cchc-ho-tro/rounds/1/start/")
    check_page(page, shots, "03-round-start")
    page.get_by_role("link", name=_("Take this round with a resident (assisted mode)")).click()
    check_page(page, shots, "04-assist")
    page.get_by_role("link", name=_("Register a new resident")).click()
    check_page(page, shots, "05-register")
    page.get_by_label(label(_("Full name"))).fill("Đinh Thị Nở")
    page.get_by_label(label(_("Birth year"))).fill("1950")
    page.get_by_label(label(_("Village"))).select_option(label="Thôn Một (Xã Thử Nghiệm)")
    page.get_by_label(str(ConsentPurpose.CONTESTS.label)).check()
    page.get_by_label(_("I read the statement above to the person, and the boxes ticked are what they agreed to")
                      ).check()
    page.get_by_role("button", name=_("Register the resident")).click()

    # Back on the round's assisted page, the new resident first in the list.
    expect(page).to_have_url(re.compile(r"/contests/cchc-ho-tro/rounds/1/assist/$"))
    check_page(page, shots, "06-assist-with-resident")
    page.get_by_role("button", name=_("Start with %(name)s") % {"name": "Đinh Thị Nở"}).click()

    expect(page.get_by_text(banner)).to_be_visible()
    check_page(page, shots, "07-attempt-assisted")
    page.get_by_label("Đáp án 1A").check()
    page.get_by_label("Đáp án 2B").check()
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()
    # The review lists answered and unanswered questions, the banner still there.
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+/review/$"))
    expect(page.get_by_text(banner)).to_be_visible()
    check_page(page, shots, "08-review")
    page.get_by_role("link", name=_("Continue to submit")).click()
    expect(page).to_have_url(re.compile(r"/contests/attempts/\d+/submit/$"))
    expect(page.get_by_text(banner)).to_be_visible()
    check_page(page, shots, "09-prediction")
    page.get_by_label(label(_("Your prediction"))).fill("30")
    page.get_by_role("main").get_by_role("button", name=_("Submit")).click()
    expect(page.get_by_text("Đúng 1/2 câu")).to_be_visible()
    expect(page.get_by_text(banner)).to_be_visible()
    check_page(page, shots, "10-result")

    page.get_by_role("button", name=_("End assistance")).click()
    expect(page.get_by_text(banner)).to_have_count(0)
    check_page(page, shots, "10-ended")

    resident = User.objects.get(full_name="Đinh Thị Nở")
    attempt = Attempt.objects.get(user=resident)
    assert attempt.assisted_by == officer and attempt.score == 1
    assert Standing.objects.get(round=round_, user=resident).prediction == 30
    consent = ConsentRecord.objects.get(user=resident)
    assert consent.recorded_by == officer and consent.recorded_by_name == "Hồ Văn Tâm"
    assert not Attempt.objects.filter(user=officer).exists()
