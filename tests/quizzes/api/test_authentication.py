"""The API's token authentication (quizzes/api/authentication.py): DRF's rules in one plain query.
A token opens the API as its person, with every field of the person as the ORM would load it;
an unknown token and an inactive person are refused as DRF refuses them, in Vietnamese."""

from datetime import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory

from quizzes.api.authentication import TokenAuthentication
from tests.quizzes.api.conftest import token_client

pytestmark = pytest.mark.django_db


def _authenticate(key: str):
    request = APIRequestFactory().get("/api/quizzes/", HTTP_AUTHORIZATION=f"Token {key}")
    return TokenAuthentication().authenticate(request)


def test_it_returns_the_tokens_person_and_the_token(staff_a):
    token = Token.objects.create(user=staff_a)
    user, auth = _authenticate(token.key)
    assert user == staff_a
    assert (user.phone, user.unit_id, user.full_name, user.is_active) == (
        staff_a.phone, staff_a.unit_id, staff_a.full_name, True)
    # Converted like the ORM converts: an aware datetime, a real boolean.
    assert isinstance(user.date_joined, datetime) and user.date_joined.tzinfo is not None
    assert user.date_joined == staff_a.date_joined
    assert user.is_active is True
    assert auth.key == token.key and auth.user is user
    assert auth.created == token.created  # read when asked for


def test_every_field_of_the_person_is_loaded_and_equal_to_the_orms(staff_a):
    staff_a.last_login = staff_a.date_joined
    staff_a.save(update_fields=["last_login"])
    token = Token.objects.create(user=staff_a)
    user, _auth = _authenticate(token.key)
    from_orm = type(staff_a).objects.get(pk=staff_a.pk)
    assert user.get_deferred_fields() == set()
    assert {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields} == {
        f.attname: getattr(from_orm, f.attname) for f in user._meta.concrete_fields}
    assert user._state.adding is False


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
