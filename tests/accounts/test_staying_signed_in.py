"""Staying signed in: "Remember me on this phone" (ticked by default) keeps a resident in for 30
days, staff for 8 hours whatever they tick; unticked, the session ends when the browser closes.
Sessions written through to the database survive a cache restart."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")
THIRTY_DAYS = int(timedelta(days=30).total_seconds())
EIGHT_HOURS = int(timedelta(hours=8).total_seconds())


def log_in(client: Client, user, password: str, **extra):
    return client.post(URL, {"username": user.phone, "password": password, **extra})


def test_the_box_is_on_the_login_page_and_ticked(client):
    page = client.get(URL).content.decode()
    box = page[page.index('name="remember"') - 120: page.index('name="remember"') + 120]
    assert "checked" in box
    assert "Ghi nhớ trên điện thoại này" in page


def test_a_resident_who_keeps_it_ticked_stays_signed_in_for_30_days(client, resident, password):
    response = log_in(client, resident, password, remember="on")
    assert response.status_code == 302
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == THIRTY_DAYS
    assert client.session.get_expiry_age() == THIRTY_DAYS
    assert not client.session.get_expire_at_browser_close()


def test_without_it_the_session_ends_when_the_browser_closes(client, resident, password):
    response = log_in(client, resident, password)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_MANAGER, Role.ORGANISER])
def test_staff_stay_signed_in_8_hours_even_when_they_tick_the_box(client, unit_a, password, role):
    member = make_user(role=role, unit=unit_a)
    response = log_in(client, member, password, remember="on")
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == EIGHT_HOURS
    assert client.session.get_expiry_age() == EIGHT_HOURS


def test_a_resident_who_registers_stays_signed_in_for_30_days(client, village):
    data = {"full_name": "Hồ Thị Lan", "birth_year": "1988", "phone": "0935 123 456", "village": village.pk,
            "password1": "Thon-mot-2026-dang-ky", "password2": "Thon-mot-2026-dang-ky", "consent_contests": "on"}
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 302
    assert client.session.get_expiry_age() == THIRTY_DAYS


def test_a_session_survives_a_cache_restart_with_cached_db(client, resident, password, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    log_in(client, resident, password, remember="on")
    cache.clear()  # what a Redis restart does to every cached session
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    assert response.context["account"] == resident


def test_with_the_cache_alone_a_restart_signs_everyone_out(client, resident, password, settings):
    """Why cached_db: the previous setting lost every session with the cache."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    log_in(client, resident, password, remember="on")
    cache.clear()
    assert client.get(reverse("accounts:my_data")).status_code == 302
