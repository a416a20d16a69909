"""Requests from data subjects: logged with the date the reply is due (02 working days, Saturday
and Sunday skipped), worked by organisers in a queue, handled once with a note in the audit log."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.data_requests import (
    DataRequestHandled,
    data_request_handle,
    data_request_open,
    reply_due_on,
    working_days_after,
)
from accounts.models import AuditEntry, DataRequest, DataRequestKind
from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
QUEUE = reverse("accounts:data_request_queue")
ASK = reverse("accounts:my_data_request")


# --- Due dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 12, 7), date(2026, 12, 9)),    # Monday → Wednesday
    (date(2026, 12, 3), date(2026, 12, 7)),    # Thursday → Monday, over the weekend
    (date(2026, 12, 4), date(2026, 12, 8)),    # Friday → Tuesday
    (date(2026, 12, 5), date(2026, 12, 8)),    # Saturday → Tuesday
    (date(2026, 12, 6), date(2026, 12, 8)),    # Sunday → Tuesday
])
def test_the_reply_is_due_two_working_days_after_receipt(received, due):
    assert working_days_after(received, 2) == due


def test_the_day_of_receipt_is_the_communes_day_not_utcs():
    # 20:00 UTC on Friday is 03:00 on Saturday in Quảng Ngãi: due on Tuesday either way, but a
    # Thursday evening in UTC is already Friday there.
    assert reply_due_on(datetime(2026, 12, 4, 20, 0, tzinfo=ZoneInfo("UTC"))) == date(2026, 12, 8)
    assert reply_due_on(datetime(2026, 12, 3, 18, 0, tzinfo=ZoneInfo("UTC"))) == date(2026, 12, 8)
    assert reply_due_on(datetime(2026, 12, 3, 9, 0, tzinfo=HCM)) == date(2026, 12, 7)


# --- The person asks -----------------------------------------------------------------------------

def test_a_resident_asks_for_a_correction_and_is_told_when_the_reply_is_due(resident_client, resident):
    response = resident_client.post(ASK, {"kind": "correction", "details": "Số mới của tôi là 0912 345 678"},
                                    follow=True)
    request = DataRequest.objects.get()
    assert (request.user, request.kind, request.is_open, request.self_service) == (
        resident, DataRequestKind.CORRECTION, True, False)
    assert request.due_on == reply_due_on(request.received_at)
    page = response.content.decode()
    assert f"chậm nhất vào ngày {request.due_on:%d/%m/%Y}" in page
    assert "Đang chờ xã trả lời" in page  # listed under "My requests"


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "correction", "details": "  "}, "details"),
    ({"kind": "sell_my_data", "details": "x"}, "kind"),
    ({"details": "x"}, "kind"),
    ({"kind": "access", "details": "x" * 2001}, "details"),
])
def test_a_bad_request_is_refused_on_its_field_and_saves_nothing(resident_client, data, field):
    response = resident_client.post(ASK, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not DataRequest.objects.exists()


def test_asking_needs_a_login(client):
    assert client.get(ASK)["Location"].startswith(reverse("accounts:login"))


def test_what_the_person_does_on_my_data_is_logged_as_handled_at_once(resident_client, resident):
    resident.show_on_leaderboard = True
    resident.save()
    resident_client.get(reverse("accounts:my_data_download"))
    resident_client.post(reverse("accounts:my_data_edit"), {"full_name": "Nguyễn Văn Dân Hai", "birth_year": "1990"})
    resident_client.post(reverse("accounts:my_data"), {})  # the leaderboard consent withdrawn
    resident_client.post(reverse("accounts:my_data_delete"), {"password": "Mat-khau-thu-nghiem-1"})

    rows = list(DataRequest.objects.order_by("pk").values_list("kind", "self_service", "user"))
    assert rows == [("access", True, resident.pk), ("correction", True, resident.pk),
                    ("withdrawal", True, resident.pk), ("deletion", True, resident.pk)]
    assert not DataRequest.objects.open().exists()


def test_deleting_the_account_erases_the_persons_words_in_their_requests(resident_client, resident):
    resident_client.post(ASK, {"kind": "correction", "details": "Số mới của tôi là 0912 345 678"})
    resident_client.post(reverse("accounts:my_data_delete"), {"password": "Mat-khau-thu-nghiem-1"})
    asked = DataRequest.objects.get(kind="correction")
    assert asked.details == "" and asked.user == resident
    assert DataRequest.objects.filter(kind="deletion", user=resident).exists()


def test_saving_the_same_details_or_giving_consent_is_no_request(resident_client, resident):
    resident_client.post(reverse("accounts:my_data_edit"), {"full_name": resident.full_name, "birth_year": "1990"})
    resident_client.post(reverse("accounts:my_data"), {"leaderboard": "on"})
    assert not DataRequest.objects.exists()


# --- The organisers' queue -----------------------------------------------------------------------

def _request(user, kind="correction", received=None):
    return data_request_open(user=user, kind=kind, details="Đổi thôn", now=received or timezone.now())


def test_the_queue_lists_open_requests_the_oldest_due_first_with_overdue_marked(organiser_client, resident,
                                                                              staff_a):
    late = _request(resident, received=timezone.now() - timezone.timedelta(days=10))
    fresh = _request(staff_a, kind="access")
    done = _request(resident, kind="deletion")
    done.handled_at = timezone.now()
    done.save()

    response = organiser_client.get(QUEUE)

    assert response.status_code == 200
    assert [r.pk for r in response.context["rows"]] == [late.pk, fresh.pk]
    page = response.content.decode()
    assert page.count('class="badge badge-warning"') == 1 and resident.phone in page
    assert response.context["overdue_count"] == 1


@pytest.mark.parametrize(("status", "expected"), [("overdue", ["late"]), ("handled", ["done"]),
                                                  ("all", ["late", "fresh", "done"]), ("open", ["late", "fresh"])])
def test_the_queue_filters_by_status(organiser_client, resident, status, expected):
    rows = {
        "late": _request(resident, received=timezone.now() - timezone.timedelta(days=10)),
        "fresh": _request(resident),
        "done": _request(resident, received=timezone.now() - timezone.timedelta(days=1)),
    }
    rows["done"].handled_at = timezone.now()
    rows["done"].save()
    response = organiser_client.get(QUEUE, {"status": status})
    names = {row.pk: name for name, row in rows.items()}
    assert sorted(names[r.pk] for r in response.context["rows"]) == sorted(expected)


def test_a_bad_filter_is_refused_with_a_message(organiser_client):
    response = organiser_client.get(QUEUE, {"status": "everything"})
    assert response.status_code == 400
    assert response.context["form"].errors["status"]


def test_the_queue_reads_a_fixed_number_of_queries(organiser_client, resident, django_assert_max_num_queries):
    _request(resident)
    with django_assert_max_num_queries(20) as one:
        organiser_client.get(QUEUE)
    for _ in range(6):
        _request(make_user(role=Role.RESIDENT, unit=resident.unit))
    with django_assert_max_num_queries(len(one.captured_queries)):
        organiser_client.get(QUEUE)


@pytest.mark.parametrize("who", ["resident_client", "staff_a_client", "manager_client"])
def test_only_organisers_see_the_queue(request, who, resident):
    data_request = _request(resident)
    client = request.getfixturevalue(who)
    assert client.get(QUEUE).status_code == 403
    detail = reverse("accounts:data_request_detail", args=[data_request.pk])
    assert client.post(detail, {"note": "x"}).status_code == 403
    data_request.refresh_from_db()
    assert data_request.is_open


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(QUEUE)["Location"].startswith(reverse("accounts:login"))


# --- Handling ------------------------------------------------------------------------------------

def test_an_organiser_marks_a_request_handled_with_a_note_and_it_is_audited(organiser_client, organiser, resident):
    data_request = _request(resident)
    response = organiser_client.post(reverse("accounts:data_request_detail", args=[data_request.pk]),
                                     {"note": "Đã đổi sang Thôn Hai sau khi xem CCCD."})
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert not data_request.is_open
    assert (data_request.handled_by, data_request.note) == (organiser, "Đã đổi sang Thôn Hai sau khi xem CCCD.")
    entry = AuditEntry.objects.get(action="data_request.handle")
    assert entry.actor == organiser and entry.object_id == str(data_request.pk)
    assert entry.data["note"] == data_request.note and entry.data["late"] is False


def test_a_reply_without_a_note_changes_nothing(organiser_client, resident):
    data_request = _request(resident)
    response = organiser_client.post(reverse("accounts:data_request_detail", args=[data_request.pk]), {"note": " "})
    assert response.status_code == 200
    assert "ghi lại việc đã làm" in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.is_open and not AuditEntry.objects.exists()


def test_a_request_is_handled_once(organiser, resident):
    data_request = _request(resident)
    data_request_handle(request=data_request, actor=organiser, note="Xong")
    with pytest.raises(DataRequestHandled):
        data_request_handle(request=data_request, actor=organiser, note="Lần nữa")
    assert AuditEntry.objects.filter(action="data_request.handle").count() == 1
    data_request.refresh_from_db()
    assert data_request.note == "Xong"


def test_the_detail_page_of_a_missing_request_is_404(organiser_client):
    assert organiser_client.get(reverse("accounts:data_request_detail", args=[999])).status_code == 404
