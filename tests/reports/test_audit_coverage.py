"""Organiser actions are recorded where they happen. The audit log page lists what other apps
write; these tests pin the entries that reporting depends on (exports of personal data)."""

from django.urls import reverse

from accounts.models import AuditEntry


def test_the_training_progress_export_is_audited(manager_client, manager_a, scenario, unit_a):
    response = manager_client.get(reverse("training:unit_progress_xlsx"), {"module": scenario.module.pk})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export.unit_progress")
    assert (entry.actor, entry.object_id, entry.data["unit"]) == (manager_a, str(scenario.module.pk), unit_a.pk)


def test_audited_exports_appear_in_the_audit_log(organiser_client, scenario, village):
    organiser_client.get(reverse("reports:unit_pending", args=[village.pk]))
    body = organiser_client.get(reverse("reports:audit_list"), {"action": "export.pending_all"}).content.decode()
    assert "export.pending_all" in body and "Thôn Một" in body
