"""POST /api/auth/token/: a phone number (or email) and password buy an API token; wrong
credentials are counted by django-axes like on the login page."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/auth/token/"


def test_it_gives_a_token_for_a_phone_and_password(anon, staff_a):
    response = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=staff_a).key}


def test_it_gives_the_same_token_twice(anon, staff_a):
    first = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json").json()
    second = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json").json()
    assert first == second
    assert Token.objects.filter(user=staff_a).count() == 1


def test_the_token_opens_the_api(anon, staff_a):
    token = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json").json()["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon.get("/api/quizzes/").status_code == 200


def test_it_refuses_a_wrong_password_in_vietnamese(anon, staff_a):
    response = anon.post(URL, {"username": staff_a.phone, "password": "sai-mat-khau"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Số điện thoại/email hoặc mật khẩu không đúng.", "code": "authentication_failed",
    }
    assert not Token.objects.exists()


def test_it_names_missing_fields(anon):
    response = anon.post(URL, {"username": "0905000003"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["Trường này là bắt buộc."]}


def test_it_locks_out_after_repeated_failures_with_a_json_429(anon, staff_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        anon.post(URL, {"username": staff_a.phone, "password": "sai-mat-khau"}, format="json")
    # Locked: even the right password is refused now.
    response = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.", "code": "throttled",
    }
    assert not Token.objects.exists()


def test_it_refuses_an_account_that_must_change_its_password(anon, staff_a):
    staff_a.must_change_password = True
    staff_a.save(update_fields=["must_change_password"])
    response = anon.post(URL, {"username": staff_a.phone, "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Hãy đổi mật khẩu trên trang web trước khi dùng API."
    assert not Token.objects.exists()


def test_wrong_method_is_405(anon):
    response = anon.get(URL)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_number_is_not_a_login(anon, staff_a):
    response = anon.post(URL, {"username": int(staff_a.phone), "password": 12345678}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "username": ["Giá trị không phải là chuỗi ký tự hợp lệ."],
        "password": ["Giá trị không phải là chuỗi ký tự hợp lệ."],
    }


@pytest.mark.parametrize("blank", [" ", "\u001c", "\t\n"])
def test_a_login_of_only_white_space_is_a_wrong_login_not_a_malformed_request(anon, blank):
    # The schema allows any text without NUL; what Python counts as white space is the backend's
    # business, which refuses it like any unknown login.
    response = anon.post(URL, {"username": blank, "password": "sai-mat-khau"}, format="json")
    assert response.status_code == 401
    assert not Token.objects.exists()
