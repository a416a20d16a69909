"""Issue 5's journey at 360 px: a resident opens the contest link, registers with consent, takes
the timed attempt, gives the prediction and sees a provisional rank. The organiser then closes
the round with the button: refused while the resident's fast perfect score is an undecided
suspicion flag, listed with its link; the organiser clears it with a reason, closes again, the
task queue's worker computes the close (run here by the test, as a worker would) and the page
shows its end. The final ranking, the unit leaderboard, the snapshot's hash and the winners are
those computed by hand below.

Hand-computed round (3 questions; prediction: how many take part → actual figure 5):
  person             village  score  time    guess  error   final rank
  Nguyễn Thị Hoa     Thôn Một  3/3   <600 s   5      0       1  (the resident, in the browser)
  Trần Thị Bình      Thôn Một  3/3   650 s    1      4       2  (same error as An, faster)
  Lê Văn An          Thôn Một  3/3   700 s    9      4       3
  Võ Thị Dung        Thôn Hai  3/3   620 s   100     95      4
  Phạm Văn Cường     Thôn Hai  2/3    10 s    5      0       5  (best guess, lower score)
Provisional (score, then time): the resident is first, every other perfect score took ≥ 620 s.
The contest flags a perfect score under 200 s a question (600 s): the resident only.
Two individual prizes: Hoa, Bình. Units (threshold 50 %): Thôn Một 3/4 = 75,0 %, mean 3,00;
Thôn Hai 2/5 = 40,0 %, mean 2,50, under the threshold: one unit prize, Thôn Một.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import Browser, Page, expect

from accounts.models import ConsentPurpose, UnitKind, User
from accounts.roles import Role
from contests.models import Prize, PrizeKind, Round, RoundClosing, Standing
from tests.contests.helpers import make_contest, take
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.helpers import PageWatch, check_page, label
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic
from tests.taskqueue import run_queued_tasks


def _scenario():
    commune = make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=0)
    village_one = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=4)
    village_two = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune, headcount=5)
    organiser = make_user(role=Role.ORGANISER, unit=commune, phone="0987654321", full_name="Trần Thị Tổ Chức")
    contest = make_contest(title="Tìm hiểu cải cách hành chính năm 2025", slug="cchc-2025", individual_prizes=2,
                           unit_prizes=2, unit_min_participation_percent=50, suspicious_seconds_per_question=200)
    topic = make_topic()
    questions = [make_question(topic=topic, text=f"Câu hỏi cuộc thi {n}?",
                               choices=[(f"Đáp án {n}A", True), (f"Đáp án {n}B", False), (f"Đáp án {n}C", False)])
                 for n in range(1, 4)]
    quiz = make_quiz(questions=questions, slug="contest-cchc-2025-1", title="Tuần thi thứ nhất",
                     shuffle_questions=False, shuffle_choices=False, time_limit_seconds=15 * 60, attempts_allowed=1)
    now = timezone.now()
    round_ = Round.objects.create(contest=contest, number=1, title="Tuần thi thứ nhất", quiz=quiz,
                                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6))
    others = [("Trần Thị Bình", village_one, 3, 650, 1), ("Lê Văn An", village_one, 3, 700, 9),
              ("Võ Thị Dung", village_two, 3, 620, 100), ("Phạm Văn Cường", village_two, 2, 10, 5)]
    for name, village, correct, seconds, guess in others:
        person = make_user(role=Role.RESIDENT, unit=village, full_name=name, show_on_leaderboard=True,
                           birth_year=1980)
        take(round_, person, correct=correct, seconds=seconds, started=now - timedelta(hours=1), prediction=guess)
    return round_, organiser


def _rows(page: Page) -> list[list[str]]:
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()]
            for row in page.locator("main table tbody tr").all()]


def test_a_resident_takes_part_and_the_closed_round_matches_the_hand_computed_results(
        page: Page, live: str, shots: Path, browser: Browser):
    round_, organiser = _scenario()

    # The link shared on Zalo: the contest page, with the round open.
    page.goto(f"{live}/contests/cchc-2025/")
    check_page(page, shots, "01-contest")
    page.get_by_role("main").get_by_role("link", name=_("Register")).click()
    check_page(page, shots, "02-register")
    page.get_by_label(label(_("Full name"))).fill("Nguyễn Thị Hoa")
    page.get_by_label(label(_("Birth year"))).fill("1985")
    page.get_by_label(label(_("Mobile phone number"))).fill("0912 345 678")
    page.get_by_label(label(_("Village"))).select_option(label="Thôn Một (Xã Thử Nghiệm)")
    page.get_by_label(label(_("Password"))).fill("Hoa-du-thi-2025")
    page.get_by_label(label(_("Password again"))).fill("Hoa-du-thi-2025")
    page.get_by_label(str(ConsentPurpose.CONTESTS.label)).check()
    page.get_by_label(str(ConsentPurpose.LEADERBOARD.label)).check()
    page.get_by_role("main").get_by_role("button", name=_("Register")).click()

    # Registration hands over to the round: start, then the timed attempt with its countdown.
    expect(page).to_have_url(re.compile(r"/contests/cchc-2025/rounds/1/start/$"))
    check_page(page, shots, "03-round-start")
    page.get_by_role("button", name=_("Start")).click()
    expect(page.locator(".countdown-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    check_page(page, shots, "04-attempt")
    for n in range(1, 4):
        page.get_by_label(f"Đáp án {n}A").check()
    page.get_by_role("button", name="Lưu và xem lại trước khi nộp").click()

    # The review lists the answers, then the contest's submit page asks the prediction first.
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+/review/$"))
    expect(page.locator("ol.review-list > li.is-answered")).to_have_count(3)
    check_page(page, shots, "05-review")
    page.get_by_role("link", name="Tiếp tục để nộp bài").click()
    expect(page).to_have_url(re.compile(r"/contests/attempts/\d+/submit/$"))
    check_page(page, shots, "05-prediction-page")
    page.get_by_label(label(_("Your prediction"))).fill("5")
    page.get_by_role("main").get_by_role("button", name=_("Submit")).click()
    expect(page.get_by_text("Đúng 3/3 câu")).to_be_visible()
    facts = page.locator("main dl.facts")
    rank = facts.locator("dt", has_text=_("Provisional rank")).locator("xpath=following-sibling::dd[1]")
    expect(rank).to_have_text("1")
    check_page(page, shots, "06-result-provisional")
    resident = User.objects.get(phone="0912345678")
    standing = Standing.objects.get(round=round_, user=resident)
    assert (standing.score, standing.prediction) == (3, 5)
    assert standing.duration_ms < 600_000

    # The round ends; the organiser closes it with the button on the participation page.
    ended = timezone.now() - timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 60)
    round_.opens_at, round_.closes_at = ended - timedelta(days=7), ended
    round_.save()
    organiser_context = browser.new_context(viewport=PHONE_VIEWPORT, locale="vi-VN")
    organiser_page = organiser_context.new_page()
    watch = PageWatch()
    watch.follow(organiser_page)
    organiser_page.goto(f"{live}/accounts/login/?next=/contests/cchc-2025/rounds/1/participation/")
    organiser_page.get_by_label(label(_("Phone number or email"))).fill("0987654321")
    organiser_page.get_by_label(label(_("Password"))).fill(PASSWORD)
    organiser_page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
    expect(organiser_page).to_have_url(re.compile(r"/participation/$"))
    check_page(organiser_page, shots, "07-participation")
    close = organiser_page.get_by_role("button", name=_("Close the round and compute the final ranking"))
    organiser_page.get_by_role("button", name=_("Check for suspicious attempts")).click()
    organiser_page.goto(f"{live}/contests/cchc-2025/rounds/1/participation/")
    close.click()
    # Refused: the prizes wait for the flag, listed with its link.
    expect(organiser_page.get_by_text("Còn 1 cờ nghi vấn chưa được quyết định trong vòng này.")).to_be_visible()
    check_page(organiser_page, shots, "08-close-refused")
    assert not RoundClosing.objects.exists()
    organiser_page.get_by_role("link", name=re.compile("Nguyễn Thị Hoa")).click()
    expect(organiser_page).to_have_url(re.compile(r"/contests/flags/\d+/$"))
    organiser_page.get_by_label(_("Clear: nothing wrong")).check()
    organiser_page.get_by_label(label(_("Reason"))).fill("Đã gọi điện xác minh: chị Hoa tự làm bài")
    organiser_page.get_by_role("button", name=_("Record the decision")).click()
    organiser_page.goto(f"{live}/contests/cchc-2025/rounds/1/participation/")
    close.click()
    # Queued at once; the page polls the run's progress while a worker computes it.
    expect(organiser_page.locator("#closing [role=status]")).to_contain_text("hàng đợi tác vụ")
    check_page(organiser_page, shots, "09-close-queued")
    assert run_queued_tasks() == ["done"]
    organiser_page.get_by_role("link", name=_("See the winners")).click(timeout=15_000)
    expect(organiser_page).to_have_url(re.compile(r"/rounds/1/winners/$"))
    check_page(organiser_page, shots, "10-winners")
    round_.refresh_from_db()
    assert round_.actual_figure == 5
    expect(organiser_page.locator("code.hash").first).to_have_text(round_.snapshot_sha256)
    winners = organiser_page.get_by_role("main").inner_text()
    assert winners.index("Nguyễn T. H") < winners.index("Trần T. B")
    assert "Lê V. A" not in winners
    assert [(p.place, p.standing.user.full_name) for p in Prize.objects.filter(
        round=round_, kind=PrizeKind.INDIVIDUAL).order_by("place")] == [(1, "Nguyễn Thị Hoa"), (2, "Trần Thị Bình")]
    assert [p.unit.name for p in Prize.objects.filter(round=round_, kind=PrizeKind.UNIT)] == ["Thôn Một"]
    watch.assert_clean()
    organiser_context.close()

    # Anyone can check the published file against its hash.
    snapshot = page.request.get(f"{live}/contests/cchc-2025/rounds/1/snapshot.csv")
    assert hashlib.sha256(snapshot.body()).hexdigest() == round_.snapshot_sha256
    assert "# actual_figure,5" in snapshot.text()

    # The resident's page now says final; the leaderboard and the unit table are as computed.
    page.reload()
    expect(facts.locator("dt", has_text=_("Final rank")).locator("xpath=following-sibling::dd[1]")).to_have_text("1")
    check_page(page, shots, "11-result-final")
    page.goto(f"{live}/contests/cchc-2025/rounds/1/leaderboard/")
    check_page(page, shots, "12-final-leaderboard")
    rows = _rows(page)
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
        ("1", "Nguyễn T. H", "3/3", "0"), ("2", "Trần T. B", "3/3", "4"), ("3", "Lê V. A", "3/3", "4"),
        ("4", "Võ T. D", "3/3", "95"), ("5", "Phạm V. C", "2/3", "0")]
    page.goto(f"{live}/contests/cchc-2025/rounds/1/units/")
    check_page(page, shots, "13-units")
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in _rows(page)] == [
        ("1", "Thôn Một", "3 / 4", "75,0%", "3,00"), ("2", "Thôn Hai", "2 / 5", "40,0%", "2,50")]
