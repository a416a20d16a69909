"""Organisers create and edit modules on the platform's own pages (no Django admin), publish and
unpublish them; bad input is explained on its field and saves nothing; every change is in the
audit log; nobody else may open these pages."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from tests.training.factories import make_module
from training.models import Module, ModuleStatus


def test_an_organiser_creates_a_module_as_a_draft(organiser, organiser_client):
    response = organiser_client.post(reverse("training:author_module_create"), {
        "title": "Đề án 06 về dữ liệu dân cư", "slug": "", "summary": "Tóm tắt.", "audience": "staff",
        "estimated_minutes": 20, "order": 4,
    })
    module = Module.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:author_module", args=[module.pk])
    assert module.slug == "de-an-06-ve-du-lieu-dan-cu"  # made from the Vietnamese title, đ included
    assert module.status == ModuleStatus.DRAFT
    entry = AuditEntry.objects.get(action="module.create")
    assert entry.actor == organiser and entry.object_id == str(module.pk)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": ""}, "title", "Nhập tên học phần."),
    ({"estimated_minutes": "0"}, "estimated_minutes", "Nhập số phút là số nguyên."),
    ({"estimated_minutes": "mười"}, "estimated_minutes", "Nhập số phút là số nguyên."),
    ({"slug": "Nghị quyết!"}, "slug", "Chỉ dùng chữ không dấu, chữ số và dấu gạch ngang, ví dụ nghi-quyet-76."),
    ({"audience": "everyone"}, "audience", "Hãy chọn một lựa chọn hợp lệ"),
])
def test_bad_input_is_explained_on_its_field_and_nothing_is_saved(organiser_client, data, field, message):
    post = {"title": "Học phần mới", "slug": "", "summary": "", "audience": "staff", "estimated_minutes": 30,
            "order": 0, **data}
    response = organiser_client.post(reverse("training:author_module_create"), post)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Module.objects.exists() and not AuditEntry.objects.exists()


def test_a_taken_address_is_refused(organiser_client):
    existing = make_module()
    response = organiser_client.post(reverse("training:author_module_create"), {
        "title": "Khác", "slug": existing.slug, "audience": "staff", "estimated_minutes": 30, "order": 0,
    })
    assert response.status_code == 400
    assert "Đã có học phần khác dùng địa chỉ này." in response.content.decode()
    assert Module.objects.count() == 1


def test_an_organiser_edits_a_module_and_the_change_is_audited(organiser, organiser_client, module):
    url = reverse("training:author_module", args=[module.pk])
    page = organiser_client.get(url)
    assert page.status_code == 200 and module.lessons.first().title in page.content.decode()
    response = organiser_client.post(url, {"title": "Nghị quyết 76 (sửa)", "slug": module.slug, "summary": "",
                                           "audience": "both", "estimated_minutes": 45, "order": 1})
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.title == "Nghị quyết 76 (sửa)" and module.estimated_minutes == 45
    module.quiz.refresh_from_db()
    assert module.quiz.audience == "public"  # a module for everyone draws questions for the public
    entry = AuditEntry.objects.get(action="module.update")
    assert entry.actor == organiser and "title" in entry.data["changed"]


def test_a_bad_edit_keeps_the_saved_module(organiser_client, module):
    response = organiser_client.post(reverse("training:author_module", args=[module.pk]), {
        "title": "", "slug": module.slug, "audience": "staff", "estimated_minutes": 30, "order": 0,
    })
    assert response.status_code == 400 and "Nhập tên học phần." in response.content.decode()
    assert Module.objects.get(pk=module.pk).title == "Nghị quyết 76/NQ-CP"


def test_publishing_makes_a_draft_visible_to_learners(organiser, organiser_client, staff_a_client):
    draft = make_module(status=ModuleStatus.DRAFT, title="Học phần nháp")
    assert staff_a_client.get(draft.get_absolute_url()).status_code == 404
    response = organiser_client.post(reverse("training:author_module_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ModuleStatus.PUBLISHED
    assert staff_a_client.get(draft.get_absolute_url()).status_code == 200
    assert AuditEntry.objects.filter(action="module.publish", actor=organiser, object_id=str(draft.pk)).exists()

    organiser_client.post(reverse("training:author_module_unpublish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ModuleStatus.DRAFT
    assert staff_a_client.get(draft.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="module.unpublish").exists()


def test_a_module_without_lessons_cannot_be_published(organiser_client):
    empty = make_module(status=ModuleStatus.DRAFT, lessons=0, quiz=False)
    response = organiser_client.post(reverse("training:author_module_publish", args=[empty.pk]))
    assert response.status_code == 409
    assert "Hãy thêm ít nhất một bài học trước khi xuất bản học phần." in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == ModuleStatus.DRAFT and not AuditEntry.objects.exists()


def test_the_list_shows_drafts_and_published_modules(organiser_client, module):
    draft = make_module(status=ModuleStatus.DRAFT, title="Học phần nháp")
    html = organiser_client.get(reverse("training:author_module_list")).content.decode()
    assert module.title in html and draft.title in html and "Bản nháp" in html


def test_the_list_takes_a_fixed_number_of_queries(organiser_client, django_assert_num_queries):
    make_module()
    # session, user, the organiser's permissions (own + groups'), the modules with their counts
    with django_assert_num_queries(5):
        organiser_client.get(reverse("training:author_module_list"))
    for _ in range(3):
        make_module()
    with django_assert_num_queries(5):
        organiser_client.get(reverse("training:author_module_list"))


@pytest.mark.parametrize("who", ["resident_client", "staff_a_client", "manager_client"])
def test_only_organisers_author(request, who, module):
    client = request.getfixturevalue(who)
    lesson = module.lessons.first()
    for url in (reverse("training:author_module_list"), reverse("training:author_module_create"),
                reverse("training:author_module", args=[module.pk]),
                reverse("training:author_module_quiz", args=[module.pk]),
                reverse("training:author_lesson", args=[lesson.pk]),
                reverse("training:author_lesson_create", args=[module.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("training:author_module_unpublish", args=[module.pk])).status_code == 404
    move = reverse("training:author_lesson_move", args=[lesson.pk])
    assert client.post(move, {"direction": "down"}).status_code == 404
    module.refresh_from_db()
    assert module.status == ModuleStatus.PUBLISHED and not AuditEntry.objects.exists()


def test_anonymous_people_are_sent_to_log_in_and_get_is_not_a_change(client, organiser_client, module):
    assert client.get(reverse("training:author_module_list")).status_code == 302
    assert organiser_client.get(reverse("training:author_module_publish", args=[module.pk])).status_code == 405
