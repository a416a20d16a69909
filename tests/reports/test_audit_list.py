"""The audit log page: organisers filter and read it; nobody can change it."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import AuditEntry

URL = reverse("reports:audit_list")


@pytest.fixture
def entries(organiser, staff_a):
    first = audit_log(actor=organiser, action="question.create", obj=staff_a, summary="Câu hỏi mới")
    second = audit_log(actor=organiser, action="contest.update", summary="Sửa cuộc thi",
                       data={"before": {"title": "A"}, "after": {"title": "B"}})
    AuditEntry.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=10))
    return first, second


def test_it_lists_entries_newest_first_with_details(organiser_client, entries):
    response = organiser_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Sửa cuộc thi") < body.index("Câu hỏi mới")
    assert "&#x27;before&#x27;" in body or "'before'" in body
    assert "Trần Thị Tổ Chức" in body


def test_it_filters_by_action_and_object_type(organiser_client, entries):
    response = organiser_client.get(URL, {"action": "contest.update"})
    body = response.content.decode()
    assert "Sửa cuộc thi" in body and "Câu hỏi mới" not in body
    response = organiser_client.get(URL, {"object_type": "accounts.user"})
    body = response.content.decode()
    assert "Câu hỏi mới" in body and "Sửa cuộc thi" not in body


def test_it_filters_by_actor(organiser_client, organiser, entries, manager_a):
    audit_log(actor=manager_a, action="export.members", summary="Xuất danh sách")
    body = organiser_client.get(URL, {"actor": manager_a.pk}).content.decode()
    assert "Xuất danh sách" in body and "Sửa cuộc thi" not in body


def test_it_filters_by_date_range_in_day_first_dates(organiser_client, entries):
    today = timezone.localdate()
    body = organiser_client.get(URL, {"date_from": today.strftime("%d/%m/%Y")}).content.decode()
    assert "Sửa cuộc thi" in body and "Câu hỏi mới" not in body
    old = today - timedelta(days=10)
    body = organiser_client.get(URL, {"date_from": old.strftime("%d/%m/%Y"),
                                      "date_to": old.strftime("%d/%m/%Y")}).content.decode()
    assert "Câu hỏi mới" in body and "Sửa cuộc thi" not in body


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "31/02/2025"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"date_from": "10/05/2025", "date_to": "01/05/2025"}, "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu"),
    ({"action": "nope"}, "không có trong danh sách lựa chọn"),
    ({"actor": "999999"}, "Người này không có trong nhật ký"),
    ({"page": "x"}, "Số trang phải là số nguyên"),
])
def test_it_explains_bad_filters_in_vietnamese_and_still_lists(organiser_client, entries, params, message):
    before = AuditEntry.objects.count()
    response = organiser_client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_it_paginates_in_a_fixed_number_of_queries(organiser_client, organiser, django_assert_num_queries):
    for n in range(120):
        audit_log(actor=organiser, action="question.update", summary=f"Sửa {n}")
    with django_assert_num_queries(9):
        response = organiser_client.get(URL, {"page": 2})
    assert response.status_code == 200
    assert "Trang 2/3" in response.content.decode()


def test_it_renders_only_the_rows_for_htmx(organiser_client, entries):
    response = organiser_client.get(URL, headers={"HX-Request": "true"})
    assert "<h1>" not in response.content.decode()
    assert "Sửa cuộc thi" in response.content.decode()


def test_it_refuses_other_methods(organiser_client):
    assert organiser_client.post(URL).status_code == 405


def test_it_sends_anonymous_people_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["manager_client", "staff_a_client", "resident_client"])
def test_it_is_hidden_from_everyone_but_organisers(request, who):
    assert request.getfixturevalue(who).get(URL).status_code == 404


def test_it_cannot_be_edited_in_the_admin(organiser, entries):
    admin = site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = organiser
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, entries[0])
    assert not admin.has_delete_permission(request, entries[0])


def test_entries_refuse_update_and_delete(entries):
    entry = entries[0]
    entry.summary = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
