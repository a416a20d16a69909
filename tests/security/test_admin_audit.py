"""Organisers also change things in the Django admin; issue 6 asks that every organiser change be
in the audit log. A module's lessons edited or removed inline, a module or an assignment deleted,
each leaves an entry naming who and what."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from tests.training.factories import assign, make_module
from training.models import Assignment, Lesson, Module

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(organiser, organiser_client):
    organiser.is_staff = True
    organiser.save()
    return organiser_client


def _module_form(module, *, change_body: str | None = None, delete_last: bool = False) -> dict:
    data = {
        "title": module.title, "slug": module.slug, "summary": "", "audience": module.audience, "order": 1,
        "status": module.status, "estimated_minutes": 30, "quiz": module.quiz_id,
        "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0,
    }
    lessons = list(module.lessons.all())
    for n, lesson in enumerate(lessons):
        data.update({f"lessons-{n}-id": lesson.pk, f"lessons-{n}-module": module.pk, f"lessons-{n}-order": lesson.order,
                     f"lessons-{n}-title": lesson.title, f"lessons-{n}-slug": lesson.slug,
                     f"lessons-{n}-body": change_body if change_body and n == 0 else lesson.body,
                     f"lessons-{n}-sources": lesson.sources})
        if delete_last and n == len(lessons) - 1:
            data[f"lessons-{n}-DELETE"] = "on"
    data["lessons-TOTAL_FORMS"] = data["lessons-INITIAL_FORMS"] = len(lessons)
    return data


def test_it_audits_a_lesson_changed_inline(admin_client, organiser):
    module = make_module()
    lesson = module.lessons.order_by("order").first()
    response = admin_client.post(reverse("admin:training_module_change", args=[module.pk]),
                                 _module_form(module, change_body="Nội dung mới của bài 1."))
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = AuditEntry.objects.get(action="lesson.update")
    assert (entry.actor, entry.object_type, entry.object_id) == (organiser, "training.lesson", str(lesson.pk))
    assert entry.data["fields"] == ["body"]


def test_it_audits_a_lesson_removed_inline(admin_client, organiser):
    module = make_module()
    last = module.lessons.order_by("order").last()
    response = admin_client.post(reverse("admin:training_module_change", args=[module.pk]),
                                 _module_form(module, delete_last=True))
    assert response.status_code == 302
    assert not Lesson.objects.filter(pk=last.pk).exists()
    entry = AuditEntry.objects.get(action="lesson.delete")
    assert (entry.actor, entry.object_id) == (organiser, str(last.pk))


def test_it_audits_a_module_deleted_in_the_admin(admin_client, organiser):
    module = make_module(quiz=False)
    response = admin_client.post(reverse("admin:training_module_delete", args=[module.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Module.objects.exists()
    entry = AuditEntry.objects.get(action="module.delete")
    assert (entry.actor, entry.object_id, entry.summary) == (organiser, str(module.pk), module.title)


def test_it_audits_an_assignment_deleted_in_the_admin(admin_client, organiser, unit_a):
    assignment = assign(make_module(), unit_a)
    response = admin_client.post(reverse("admin:training_assignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    entry = AuditEntry.objects.get(action="assignment.delete")
    assert (entry.actor, entry.object_id) == (organiser, str(assignment.pk))


def test_it_audits_assignments_deleted_in_bulk(admin_client, organiser, unit_a, unit_b):
    module = make_module()
    ids = [assign(module, unit_a).pk, assign(module, unit_b).pk]
    response = admin_client.post(reverse("admin:training_assignment_changelist"),
                                 {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert sorted(AuditEntry.objects.filter(action="assignment.delete").values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in ids)




def test_it_audits_an_organiser_computing_a_rounds_suspicion_flags(organiser_client, organiser):
    from tests.contests.helpers import make_round

    round_ = make_round()
    response = organiser_client.post(reverse("contests:flags_compute", args=[round_.pk]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="flag.compute")
    assert (entry.actor, entry.object_type, entry.object_id) == (organiser, "contests.round", str(round_.pk))
