"""The API's token authentication: DRF's own. A token opens the API as its person; an unknown
token and an inactive person are refused as DRF refuses them, in Vietnamese."""

import pytest

from tests.quizzes.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_token_opens_the_api_as_its_person(staff_a):
    response = token_client(staff_a).get("/api/quizzes/")
    assert response.status_code == 200


def test_an_unknown_token_is_401_in_vietnamese(anon, staff_a):
    anon.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = anon.get("/api/quizzes/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập (token) không hợp lệ.", "code": "authentication_failed"}


def test_an_inactive_persons_token_is_401_in_vietnamese(staff_a):
    client = token_client(staff_a)
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    response = client.get("/api/quizzes/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Tài khoản đã bị khóa hoặc đã bị xóa.", "code": "authentication_failed"}
