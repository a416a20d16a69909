"""Wrong passwords are limited per account (from any address) and per address (across accounts:
password spraying), on top of django-axes' lockout of one account from one address. Over a
limit the login is refused, even with the right password, until the window ends."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")
WRONG = "sai-mat-khau"
REFUSED = "quá nhiều lần nhập sai mật khẩu"


def _login(client, user, password, address="203.0.113.5"):
    return client.post(URL, {"username": user.phone, "password": password}, REMOTE_ADDR=address)


def test_twelve_wrong_passwords_over_three_accounts_from_one_address_are_stopped(client, village, password,
                                                                                  rate_limit):
    rate_limit("login-failure-address", 10)
    people = [make_user(role=Role.RESIDENT, unit=village) for _ in range(4)]
    statuses = [_login(client, person, WRONG).status_code for _ in range(4) for person in people[:3]]
    # Each account failed 4 times only (axes locks at 5): the address's limit stops the 11th.
    assert statuses == [200] * 10 + [429] * 2
    refused = _login(client, people[3], password)
    assert refused.status_code == 429
    assert REFUSED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not concerned.
    assert _login(client, people[3], password, address="203.0.113.6").status_code == 302


def test_one_account_guessed_from_many_addresses_is_stopped(client, resident, password, rate_limit):
    rate_limit("login-failure-account", 5)
    for n in range(5):
        assert _login(client, resident, WRONG, address=f"198.51.100.{n + 1}").status_code == 200
    refused = _login(client, resident, password, address="198.51.100.99")
    assert refused.status_code == 429
    assert REFUSED in refused.content.decode()


def test_every_spelling_of_a_phone_is_one_account(client, resident, password, rate_limit):
    rate_limit("login-failure-account", 2)
    for n, spelling in enumerate(["+84" + resident.phone[1:], resident.phone[:4] + " " + resident.phone[4:]]):
        client.post(URL, {"username": spelling, "password": WRONG}, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert _login(client, resident, password, address="198.51.100.50").status_code == 429


def test_the_login_opens_again_when_the_window_ends(client, resident, password, rate_limit, clock):
    rate_limit("login-failure-account", 3, seconds=3600)
    clock.at(0)
    for n in range(3):
        _login(client, resident, WRONG, address=f"198.51.100.{n + 1}")
    clock.at(3599)
    assert _login(client, resident, password, address="198.51.100.60").status_code == 429
    clock.at(3600)
    assert _login(client, resident, password, address="198.51.100.61").status_code == 302


def test_a_right_password_before_the_limit_logs_in(client, resident, password, rate_limit):
    rate_limit("login-failure-account", 3)
    for n in range(2):
        _login(client, resident, WRONG, address=f"198.51.100.{n + 1}")
    assert _login(client, resident, password, address="198.51.100.70").status_code == 302


def test_the_api_token_login_obeys_the_same_limits(resident, password, rate_limit):
    rate_limit("login-failure-address", 2)
    api = APIClient(REMOTE_ADDR="203.0.113.80")
    url = reverse("api:token")
    for _ in range(2):
        assert api.post(url, {"username": resident.phone, "password": WRONG}, format="json").status_code == 401
    refused = api.post(url, {"username": resident.phone, "password": password}, format="json")
    assert refused.status_code == 429
    assert "sai mật khẩu" in refused.json()["detail"]
