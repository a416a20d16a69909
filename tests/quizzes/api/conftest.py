"""Clients of the quiz API: token-authenticated personas (the way apps call it) and anonymous."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.quizzes.attempt_factories import make_quiz_with_questions


def token_client(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_api(staff_a) -> APIClient:
    return token_client(staff_a)


@pytest.fixture
def outsider_api(staff_b) -> APIClient:
    return token_client(staff_b)


@pytest.fixture
def quiz(db):
    return make_quiz_with_questions(3, pass_mark_percent=60, attempts_allowed=2)
