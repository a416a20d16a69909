"""The registration rate limit, and the cache-backed counter behind it."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse

from accounts import ratelimit
from accounts.models import ConsentRecord, User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")
PASSWORD = "Thon-mot-2026-dang-ky"


def registration(village, phone: str) -> dict:
    return {
        "full_name": "Đinh Văn Hùng", "birth_year": "1975", "phone": phone, "village": str(village.pk),
        "password1": PASSWORD, "password2": PASSWORD, "consent_contests": "on",
    }


def test_hit_allows_up_to_the_limit_then_refuses():
    results = [ratelimit.hit("test:a", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_hit_counts_each_key_on_its_own():
    for _ in range(2):
        ratelimit.hit("test:a", limit=2, window_seconds=60)
    assert ratelimit.hit("test:a", limit=2, window_seconds=60) is False
    assert ratelimit.hit("test:b", limit=2, window_seconds=60) is True


def test_hit_opens_again_in_the_next_window(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert ratelimit.hit("test:a", limit=1, window_seconds=3600)
    assert not ratelimit.hit("test:a", limit=1, window_seconds=3600)
    now[0] += 3600
    assert ratelimit.hit("test:a", limit=1, window_seconds=3600)


def test_hit_works_on_the_database_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "cache_entries"}}
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    assert [ratelimit.hit("test:db", limit=2, window_seconds=60) for _ in range(3)] == [True, True, False]


def test_registration_over_the_limit_gets_429_and_creates_nothing(client, village, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    assert client.post(URL, registration(village, "0935000001")).status_code == 302
    client.logout()
    assert client.post(URL, registration(village, "0935000002")).status_code == 302
    client.logout()
    users, consents = User.objects.count(), ConsentRecord.objects.count()

    response = client.post(URL, registration(village, "0935000003"))

    assert response.status_code == 429
    assert "Trong một giờ qua đã có quá nhiều tài khoản được đăng ký từ mạng này" in response.content.decode()
    assert (User.objects.count(), ConsentRecord.objects.count()) == (users, consents)
    assert not User.objects.filter(phone="0935000003").exists()


def test_failed_attempts_count_too(client, village, settings):
    # Counting every POST stops someone from probing which phone numbers are registered.
    settings.REGISTRATION_RATE_LIMIT = 2
    for _ in range(2):
        client.post(URL, registration(village, "123"))
    assert client.post(URL, registration(village, "0935000009")).status_code == 429
    assert not User.objects.filter(phone="0935000009").exists()


def test_the_limit_is_per_address(client, village, settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    client.post(URL, registration(village, "123"), REMOTE_ADDR="203.0.113.1")
    assert client.post(URL, registration(village, "123"), REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.post(URL, registration(village, "0935000010"), REMOTE_ADDR="203.0.113.2").status_code == 302


def test_showing_the_form_is_not_limited(client, village, settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    for _ in range(3):
        assert client.get(URL).status_code == 200
    assert client.post(URL, registration(village, "0935000011")).status_code == 302
