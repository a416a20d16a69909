"""The organiser's assignment page: assign a module to units with a due date, list, remove;
every change in the audit log; bad input re-renders with a Vietnamese message and changes nothing."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from training.models import Assignment

URL = reverse("training:assignment_list")


def _due(days: int = 14) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_an_organiser_assigns_a_module_to_several_units(organiser_client, organiser, module, unit_a, unit_b):
    response = organiser_client.post(URL, {"module": module.pk, "units": [unit_a.pk, unit_b.pk],
                                           "due_date": _due()})
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("unit__name", flat=True)) == {"Phòng A", "Phòng B"}
    assert AuditEntry.objects.filter(action="assignment.create", actor=organiser).count() == 2
    page = organiser_client.get(URL)
    assert "Đã giao học phần cho 2 đơn vị." in page.content.decode()


def test_a_date_in_the_past_is_refused_and_nothing_changes(organiser_client, module, unit_a):
    response = organiser_client.post(URL, {"module": module.pk, "units": [unit_a.pk], "due_date": _due(-1)})
    assert response.status_code == 400
    assert "Hạn hoàn thành không được là một ngày đã qua." in response.content.decode()
    assert not Assignment.objects.exists() and not AuditEntry.objects.exists()


def test_missing_and_unknown_choices_are_named(organiser_client, module):
    response = organiser_client.post(URL, {"module": 999999, "units": ["999999"], "due_date": "31/02/2030"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Học phần này không tồn tại hoặc không thể giao." in html
    assert "Một trong các đơn vị đã chọn không tồn tại hoặc nằm ngoài phạm vi của bạn." in html
    assert "Nhập hạn hoàn thành theo dạng ngày/tháng/năm (dd/mm/yyyy)." in html
    empty = organiser_client.post(URL, {}).content.decode()
    assert "Hãy chọn một học phần." in empty and "Hãy chọn ít nhất một đơn vị." in empty
    assert not Assignment.objects.exists()


def test_the_list_shows_the_assignments_in_a_fixed_number_of_queries(organiser_client, module, unit_a, unit_b,
                                                                     django_assert_num_queries):
    Assignment.objects.create(module=module, unit=unit_a, due_date=timezone.localdate())
    Assignment.objects.create(module=module, unit=unit_b, due_date=timezone.localdate())
    with django_assert_num_queries(12):  # 8, and the commune it opens on and the unit filter (4)
        response = organiser_client.get(URL)
    html = response.content.decode()
    assert "Phòng A" in html and "Phòng B" in html and timezone.localdate().strftime("%d/%m/%Y") in html


def test_an_organiser_removes_an_assignment_after_confirming(organiser_client, organiser, assignment):
    url = reverse("training:assignment_delete", args=[assignment.pk])
    assert "Hủy giao học phần" in organiser_client.get(url).content.decode()
    unconfirmed = organiser_client.post(url, {})
    assert unconfirmed.status_code == 400 and "Hãy đánh dấu vào ô để xác nhận." in unconfirmed.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert organiser_client.post(url, {"confirm": "on"}).status_code == 302
    assert not Assignment.objects.exists()
    assert AuditEntry.objects.filter(action="assignment.delete", actor=organiser).exists()


def test_staff_and_unit_managers_cannot_assign(staff_a_client, manager_client, module, unit_a, assignment):
    for client in (staff_a_client, manager_client):
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"module": module.pk, "units": [unit_a.pk], "due_date": _due()}).status_code == 404
        assert client.post(reverse("training:assignment_delete", args=[assignment.pk]),
                           {"confirm": "on"}).status_code == 404
    assert Assignment.objects.count() == 1


def test_anonymous_people_are_sent_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_wrong_methods_are_refused(organiser_client, assignment):
    assert organiser_client.put(URL).status_code == 405
    assert organiser_client.delete(reverse("training:assignment_delete", args=[assignment.pk])).status_code == 405
