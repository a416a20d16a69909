"""The organisers' review queue: filters validated, confirm or clear with a required reason,
flags computed by a button; everyone but organisers kept out."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import Role
from contests.closing import round_close
from contests.models import FlagStatus, Prize, PrizeKind, SuspicionFlag
from contests.suspicion import round_flags_compute
from tests.contests.helpers import make_contest, make_round
from tests.contests.test_suspicion import play
from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("contests:flag_queue")


@pytest.fixture
def round_():
    return make_round(make_contest(suspicious_seconds_per_question=3, individual_prizes=1, unit_prizes=0),
                      questions=3)


@pytest.fixture
def flag(round_, village):
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Đinh Văn Nhanh"), correct=3, seconds=4)
    round_flags_compute(round_=round_)
    return SuspicionFlag.objects.get()


def test_it_lists_the_flags_with_what_was_seen(organiser_client, flag):
    html = organiser_client.get(QUEUE, {"round": flag.round_id, "status": "open"}).content.decode()
    assert "Điểm tuyệt đối, nhanh bất thường: Đinh Văn Nhanh" in html
    assert "Đúng mọi câu trong 00:04.0" in html
    assert f'action="{reverse("contests:flag_detail", args=[flag.pk])}"' in html


def test_it_filters_by_kind_and_status(organiser_client, flag):
    html = organiser_client.get(QUEUE, {"kind": "shared_device"}).content.decode()
    assert "Đinh Văn Nhanh" not in html
    assert "Không có cảnh báo nào khớp với bộ lọc." in html
    html = organiser_client.get(QUEUE, {"status": "cleared"}).content.decode()
    assert "Đinh Văn Nhanh" not in html


def test_the_queue_reads_a_fixed_number_of_queries(organiser_client, flag, village, round_,
                                                   django_assert_num_queries):
    for n in range(3):
        play(round_, make_user(role=Role.RESIDENT, unit=village, full_name=f"Nhanh {n}"), correct=3, seconds=4)
    round_flags_compute(round_=round_)
    # session, user, two permission reads (role), the chosen round, the flags with round, contest,
    # person, unit and decider in one query, the rounds of the filter's list: none per flag.
    with django_assert_num_queries(7):
        response = organiser_client.get(QUEUE, {"round": round_.pk})
    # Four perfect scores in 4 s, answered at the same seconds: each fast and each a copy.
    assert response.content.decode().count('class="card flag"') == 8


@pytest.mark.parametrize(("params", "message"), [
    ({"round": "abc"}, "Vòng thi này không tồn tại"),
    ({"round": "99999999999999999999"}, "Vòng thi này không tồn tại"),
    ({"kind": "hack"}, "Loại cảnh báo này không tồn tại"),
    ({"status": "maybe"}, "Trạng thái này không tồn tại"),
])
def test_junk_filters_are_a_vietnamese_400(organiser_client, flag, params, message):
    response = organiser_client.get(QUEUE, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Đinh Văn Nhanh" not in response.content.decode()


def test_an_organiser_confirms_with_a_reason_and_the_audit_log_keeps_it(organiser_client, organiser, flag):
    response = organiser_client.post(reverse("contests:flag_detail", args=[flag.pk]),
                                     {"decision": "confirm", "reason": "Cùng một người dùng nhiều tài khoản"})
    assert response.url == f"{QUEUE}?round={flag.round_id}"
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by, flag.reason) == (
        FlagStatus.CONFIRMED, organiser, "Cùng một người dùng nhiều tài khoản")
    entry = AuditEntry.objects.get(action="flag.confirm")
    assert (entry.actor, entry.data["reason"]) == (organiser, "Cùng một người dùng nhiều tài khoản")


def test_confirming_after_the_close_rebuilds_the_winners(organiser_client, organiser, flag, round_, village):
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Hồ Thị Chậm"), correct=3, seconds=60)
    round_close(round_=round_, actor=organiser, now=round_.closes_at + timedelta(minutes=5),
                override_reason="Trao giải trước, xem xét cờ sau")
    response = organiser_client.post(reverse("contests:flag_detail", args=[flag.pk]),
                                     {"decision": "confirm", "reason": "Bất thường"}, follow=True)
    assert "Danh sách giải của vòng này đã được tính lại." in response.content.decode()
    prize = Prize.objects.get(round=round_, kind=PrizeKind.INDIVIDUAL)
    assert prize.standing.user.full_name == "Hồ Thị Chậm"


@pytest.mark.parametrize(("data", "message"), [
    ({"decision": "confirm", "reason": "   "}, "Hãy ghi lý do của quyết định"),
    ({"decision": "confirm"}, "Hãy ghi lý do của quyết định"),
    ({"decision": "ban", "reason": "x"}, "Hãy chọn xác nhận hoặc bỏ cảnh báo."),
    ({"reason": "x"}, "Hãy chọn xác nhận hoặc bỏ cảnh báo."),
])
def test_a_bad_decision_is_refused_in_vietnamese_and_changes_nothing(organiser_client, flag, data, message):
    response = organiser_client.post(reverse("contests:flag_detail", args=[flag.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    flag.refresh_from_db()
    assert (flag.status, flag.reason, flag.decided_at) == (FlagStatus.OPEN, "", None)
    assert not AuditEntry.objects.filter(action__startswith="flag.").exists()


def test_the_button_computes_the_rounds_flags(organiser_client, round_, village):
    play(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Nhanh"), correct=3, seconds=4)
    response = organiser_client.post(reverse("contests:flags_compute", args=[round_.pk]), follow=True)
    assert response.redirect_chain[-1][0] == f"{QUEUE}?round={round_.pk}"
    assert "1 trường hợp cần xem xét" in response.content.decode()
    assert SuspicionFlag.objects.count() == 1


def test_the_participation_page_offers_the_check_and_the_queue(organiser_client, round_):
    html = organiser_client.get(reverse("contests:participation", args=[round_.contest.slug, round_.number])
                                ).content.decode()
    assert reverse("contests:flags_compute", args=[round_.pk]) in html
    assert f"{QUEUE}?round={round_.pk}" in html


def test_wrong_methods_are_refused(organiser_client, flag, round_):
    assert organiser_client.post(QUEUE).status_code == 405
    assert organiser_client.get(reverse("contests:flags_compute", args=[round_.pk])).status_code == 405
    assert organiser_client.put(reverse("contests:flag_detail", args=[flag.pk])).status_code == 405


def test_anonymous_people_are_sent_to_log_in(client, flag, round_):
    for url in (QUEUE, reverse("contests:flag_detail", args=[flag.pk])):
        assert "/login" in client.get(url).url
    response = client.post(reverse("contests:flags_compute", args=[round_.pk]))
    assert "/login" in response.url


@pytest.mark.parametrize("persona", ["resident_client", "staff_a_client", "manager_client"])
def test_outsiders_are_refused_and_change_nothing(request, persona, flag, round_):
    outsider = request.getfixturevalue(persona)
    assert outsider.get(QUEUE).status_code == 403
    assert outsider.get(reverse("contests:flag_detail", args=[flag.pk])).status_code == 403
    response = outsider.post(reverse("contests:flag_detail", args=[flag.pk]), {"decision": "clear", "reason": "x"})
    assert response.status_code == 403
    assert outsider.post(reverse("contests:flags_compute", args=[round_.pk])).status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_an_unknown_flag_is_a_404_for_organisers(organiser_client):
    assert organiser_client.get(reverse("contests:flag_detail", args=[987654])).status_code == 404
