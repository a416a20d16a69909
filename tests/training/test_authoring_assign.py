"""From the module's authoring page to the staff member's to-do list: the organiser assigns the
published module to a unit with a due date, and the unit's staff see it under "Việc cần làm"."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from tests.training.factories import make_module
from training.models import Assignment, ModuleStatus


def test_an_assignment_with_a_due_date_appears_on_the_staff_to_do_list(organiser, organiser_client, staff_a_client,
                                                                      staff_b_client, unit_a):
    module = make_module(status=ModuleStatus.DRAFT, title="Đề án 06")
    organiser_client.post(reverse("training:author_module_publish", args=[module.pk]))
    page = organiser_client.get(reverse("training:author_module", args=[module.pk])).content.decode()
    assign_url = f"{reverse('training:assignment_list')}?module={module.pk}"
    assert assign_url in page
    form_page = organiser_client.get(assign_url)
    assert form_page.context["form"]["module"].value() == module.pk
    due = timezone.localdate() + timedelta(days=21)
    response = organiser_client.post(assign_url, {"module": module.pk, "units": [unit_a.pk],
                                                  "due_date": due.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert Assignment.objects.get().due_date == due
    assert AuditEntry.objects.filter(action="assignment.create", actor=organiser).exists()

    todo = staff_a_client.get(reverse("training:module_list"))
    assert [m.title for m in todo.context["todo"]] == ["Đề án 06"]
    assert f"Hạn hoàn thành: {due:%d/%m/%Y}" in todo.content.decode()
    assert [m.title for m in staff_b_client.get(reverse("training:module_list")).context["todo"]] == []
