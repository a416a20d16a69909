"""Passwords are stored with Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1); older PBKDF2
hashes still log in and are rewritten at that login. The rest of the suite hashes with MD5
(tests/conftest.py) for speed, so these tests put the production list back."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, check_password, make_password
from django.urls import reverse

from config import settings as production
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ARGON2ID_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_production_settings_hash_with_argon2id_at_owasp_minimum(production_hashers):
    assert production.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idHasher"
    encoded = make_password(PASSWORD)
    assert encoded.startswith(ARGON2ID_OWASP)
    assert check_password(PASSWORD, encoded)
    assert not check_password("sai-mat-khau", encoded)


def test_a_pbkdf2_hash_logs_in_and_is_rewritten_with_argon2id(client, resident, production_hashers):
    resident.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    resident.save(update_fields=["password"])

    response = client.post(reverse("accounts:login"), {"username": resident.phone, "password": PASSWORD})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.password.startswith(ARGON2ID_OWASP)
    assert check_password(PASSWORD, resident.password)


def test_a_wrong_password_leaves_the_old_hash_alone(client, resident, production_hashers):
    old = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    resident.password = old
    resident.save(update_fields=["password"])

    client.post(reverse("accounts:login"), {"username": resident.phone, "password": "sai-mat-khau"})

    resident.refresh_from_db()
    assert resident.password == old


def test_an_argon2_hash_with_djangos_heavier_defaults_is_brought_down_to_the_minimum(client, resident,
                                                                                     production_hashers):
    resident.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert "m=102400" in resident.password
    resident.save(update_fields=["password"])

    assert client.post(reverse("accounts:login"), {"username": resident.phone, "password": PASSWORD}).status_code == 302

    resident.refresh_from_db()
    assert resident.password.startswith(ARGON2ID_OWASP)
