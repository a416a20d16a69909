"""An API token is a second key to the account. Whoever changes their password (because it
leaked, say) must not leave a token in someone else's hands: changing or resetting the password
revokes the account's API tokens, as it already logs out the other browser sessions."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"


def test_changing_the_password_revokes_the_api_token(staff_a, staff_a_client):
    Token.objects.create(user=staff_a)
    response = staff_a_client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not Token.objects.filter(user=staff_a).exists()


def test_resetting_the_password_revokes_the_api_token(unit_a):
    person = make_user(unit=unit_a, email="an@example.vn")
    token = Token.objects.create(user=person)
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "an@example.vn"})
    link = re.search(r"/accounts/password/reset/[^/]+/[^/]+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_other_saves_keep_the_token(staff_a):
    token = Token.objects.create(user=staff_a)
    staff_a.full_name = "Phạm Thị An (sửa)"
    staff_a.save()
    assert Token.objects.filter(key=token.key).exists()
