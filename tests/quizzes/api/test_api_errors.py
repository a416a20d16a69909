"""The API as a whole: one JSON error shape everywhere, even for paths it does not have, and a
schema that declares every endpoint."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/nothing/", "/api/attempts/abc/", "/api/attempts/-1/", "/api/attempts/1", "/api/training/x%0A/",
])
def test_an_unknown_api_path_is_a_json_404(staff_api, path):
    for method in (staff_api.get, staff_api.post):
        response = method(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_the_schema_declares_every_endpoint_and_its_errors(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) >= {
        "/api/auth/token/", "/api/quizzes/", "/api/quizzes/{id}/attempts/", "/api/attempts/{id}/",
        "/api/attempts/{id}/answers/", "/api/attempts/{id}/submit/", "/api/attempts/{id}/result/",
    }
    answers = paths["/api/attempts/{id}/answers/"]["post"]["responses"]
    assert set(answers) == {"200", "400", "401", "403", "404", "409", "413", "415"}


def test_the_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
