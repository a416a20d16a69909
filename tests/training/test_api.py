"""The training REST API: modules, lessons, marking read, my progress, my assignments, my
certificates, public verification; each in the OpenAPI schema with its errors declared."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.training.factories import assign, make_module, read_all, take_quiz
from training.models import LessonProgress, ModuleStatus


@pytest.fixture
def api(staff_a) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_a)
    return client


def test_modules_list_what_i_may_study_with_progress_and_due_date(api, module, assignment, unit_a):
    make_module(status=ModuleStatus.DRAFT)
    response = api.get("/api/training/modules/")
    assert response.status_code == 200
    [item] = response.json()
    assert item["slug"] == module.slug and item["lesson_total"] == 3 and item["lessons_done"] == 0
    assert item["due_date"] == assignment.due_date.isoformat()


def test_a_module_has_its_lessons_in_order(api, module, lessons, assignment):
    data = api.get(f"/api/training/modules/{module.slug}/").json()
    assert [lesson["slug"] for lesson in data["lessons"]] == ["bai-1", "bai-2", "bai-3"]
    assert [lesson["unlocked"] for lesson in data["lessons"]] == [True, False, False]
    assert data["progress"]["percent"] == 0


def test_a_lesson_comes_as_sanitised_html(api, module, lessons, assignment):
    lessons[0].body = "<script>x()</script> **đậm**"
    lessons[0].save()
    data = api.get(f"/api/training/lessons/{lessons[0].pk}/").json()
    assert "<strong>đậm</strong>" in data["body_html"] and "<script" not in data["body_html"]
    assert "Nghị quyết 76/NQ-CP" in data["sources_html"]


def test_marking_read_returns_my_progress_and_refuses_out_of_order(api, staff_a, module, lessons, assignment):
    response = api.post(f"/api/training/lessons/{lessons[0].pk}/read/")
    assert response.status_code == 200 and response.json()["lessons_done"] == 1
    refused = api.post(f"/api/training/lessons/{lessons[2].pk}/read/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Các bài được học theo thứ tự: hãy học xong “Bài 2” trước.",
                              "code": "lesson_out_of_order"}
    assert LessonProgress.objects.filter(user=staff_a).count() == 1


def test_drafts_and_foreign_modules_are_404_and_change_nothing(api, resident, unit_a):
    draft = make_module(status=ModuleStatus.DRAFT)
    assign(draft, unit_a)
    lesson = draft.lessons.first()
    assert api.get(f"/api/training/modules/{draft.slug}/").status_code == 404
    assert api.get(f"/api/training/lessons/{lesson.pk}/").status_code == 404
    response = api.post(f"/api/training/lessons/{lesson.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "module_unavailable"
    assert api.get(f"/api/training/lessons/{2**70}/").status_code == 404
    assert not LessonProgress.objects.exists()


def test_my_progress_assignments_and_certificates(api, staff_a, module, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    [progress] = api.get("/api/training/progress/").json()
    assert progress["all_read"] and progress["quiz_passed"] and progress["certificate_code"]
    [mine] = api.get("/api/training/assignments/").json()
    assert mine["module"] == module.slug and mine["completed"] is True and mine["overdue"] is False
    [certificate] = api.get("/api/training/certificates/").json()
    assert certificate["holder_name"] == "Phạm Thị An"
    assert certificate["verification_url"].endswith(f"/training/verify/{certificate['code']}/")


def test_nobody_sees_another_persons_certificates(staff_a, staff_b, module, unit_b, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    other = APIClient()
    other.force_authenticate(staff_b)
    assert other.get("/api/training/certificates/").json() == []


def test_verification_is_public_and_says_only_name_module_and_date(staff_a, module, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    code = staff_a.module_completions.get().certificate.code
    data = APIClient().get(f"/api/training/verify/{code.lower()}/").json()
    assert set(data) == {"code", "valid", "revoked", "holder_name", "module_title", "issued_on"}
    assert data["valid"] is True and data["holder_name"] == "Phạm Thị An"
    unknown = APIClient().get("/api/training/verify/ZZZZZZZZZZ/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/training/modules/", "/api/training/progress/",
                                  "/api/training/assignments/", "/api/training/certificates/"])
def test_anonymous_requests_are_refused(path, db):
    assert APIClient().get(path).status_code == 401


def test_wrong_methods_are_refused(api, module, lessons, assignment):
    assert api.post("/api/training/modules/").status_code == 405
    assert api.get(f"/api/training/lessons/{lessons[0].pk}/read/").status_code == 405
    assert api.delete("/api/training/certificates/").status_code == 405


def test_session_posts_need_the_csrf_token(staff_a, lessons, assignment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a, backend="accounts.backends.PhoneOrEmailBackend")
    assert client.post(f"/api/training/lessons/{lessons[0].pk}/read/").status_code == 403
    assert not LessonProgress.objects.exists()


def test_every_endpoint_is_in_the_schema_with_its_errors(client, db):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/training/lessons/{id}/read/"]["post"]["responses"]) >= {"200", "401", "403", "404", "409"}
    for path in ["/api/training/modules/", "/api/training/modules/{slug}/", "/api/training/lessons/{id}/",
                 "/api/training/progress/", "/api/training/assignments/", "/api/training/certificates/",
                 "/api/training/verify/{code}/"]:
        assert path in paths
    assert set(paths["/api/training/verify/{code}/"]["get"]["responses"]) == {"200", "404"}
