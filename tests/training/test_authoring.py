"""Organisers author modules in the Django admin (lessons inline) and preview a lesson as learners
will see it, drafts included; what they change is in the audit log."""

from django.urls import reverse

from accounts.models import AuditEntry
from tests.training.factories import make_module
from training.models import LessonProgress, Module, ModuleStatus


def test_an_organiser_previews_a_draft_lesson(organiser_client):
    draft = make_module(status=ModuleStatus.DRAFT)
    lesson = draft.lessons.first()
    lesson.body = "**Nội dung nháp** <script>x()</script>"
    lesson.save()
    response = organiser_client.get(reverse("training:lesson_preview", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Nội dung nháp</strong>" in html and "<script>x()" not in html
    assert "<button type=\"submit\">Tôi đã đọc xong" not in html and "Xem trước" in html
    assert not LessonProgress.objects.exists()


def test_only_organisers_preview(staff_a_client, manager_client, client, module):
    url = reverse("training:lesson_preview", args=[module.lessons.first().pk])
    assert staff_a_client.get(url).status_code == 404
    assert manager_client.get(url).status_code == 404
    assert client.get(url).status_code == 302
    assert staff_a_client.post(url).status_code == 405


def test_the_admin_edits_a_module_with_its_lessons_and_links_the_preview(organiser, organiser_client, module):
    organiser.is_staff = True
    organiser.save()
    url = reverse("admin:training_module_change", args=[module.pk])
    html = organiser_client.get(url).content.decode()
    assert reverse("training:lesson_preview", args=[module.lessons.first().pk]) in html
    data = {
        "title": "Nghị quyết 76 (sửa)", "slug": module.slug, "summary": "", "audience": "staff", "order": 1,
        "status": "published", "estimated_minutes": 30, "quiz": module.quiz_id,
        "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0,
    }
    for n, lesson in enumerate(module.lessons.all()):
        data.update({f"lessons-{n}-id": lesson.pk, f"lessons-{n}-module": module.pk, f"lessons-{n}-order": lesson.order,
                     f"lessons-{n}-title": lesson.title, f"lessons-{n}-slug": lesson.slug,
                     f"lessons-{n}-body": lesson.body, f"lessons-{n}-sources": lesson.sources})
        data["lessons-TOTAL_FORMS"] = data["lessons-INITIAL_FORMS"] = n + 1
    response = organiser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Module.objects.get(pk=module.pk).title == "Nghị quyết 76 (sửa)"
    assert AuditEntry.objects.filter(action="module.update", actor=organiser).exists()
