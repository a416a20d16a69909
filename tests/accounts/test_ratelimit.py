"""The registration rate limit, and the cache-backed counter behind it."""

import hashlib
import itertools
import os
from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.db import connection
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


@pytest.fixture(params=["locmem", "database", "redis"])
def any_cache(request, settings):
    """Each test with this fixture runs on the suite's locmem cache, on the database cache a fresh
    clone runs on, and on Redis when there is one (make test-pg starts one: scripts/with-redis.sh)."""
    if request.param == "database":
        request.getfixturevalue("database_cache")
    elif request.param == "redis":
        url = os.environ.get("REDIS_TEST_URL")
        if not url:
            pytest.skip("no Redis: REDIS_TEST_URL is set by scripts/with-redis.sh (make test-pg)")
        # One database per xdist worker: clear() empties the worker's own.
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": f"{url}/{worker}"}}
        caches["default"].clear()
    return request.param


def test_the_last_event_just_before_the_window_ends_passes_one_more_is_refused_the_next_window_opens(
        any_cache, clock):
    clock.at(0)
    assert [ratelimit.hit("test:edge", limit=3, window_seconds=3600) for _ in range(2)] == [True, True]
    clock.at(3599.9)
    assert ratelimit.hit("test:edge", limit=3, window_seconds=3600) is True
    assert ratelimit.hit("test:edge", limit=3, window_seconds=3600) is False
    clock.at(3600)
    assert ratelimit.hit("test:edge", limit=3, window_seconds=3600) is True


def test_a_window_holds_its_whole_length_however_long_it_stays_idle(any_cache, clock):
    # The database cache's incr() used to reset the entry to the default 5 minutes: an hour's
    # limit of 10 let 10 more through after each 5 idle minutes.
    clock.at(0)
    assert all(ratelimit.hit("test:idle", limit=10, window_seconds=3600) for _ in range(10))
    for minute in (6, 20, 59):
        clock.at(minute * 60)
        assert ratelimit.hit("test:idle", limit=10, window_seconds=3600) is False, f"reopened at minute {minute}"


def test_the_counter_expires_when_its_window_ends_not_five_minutes_after_its_last_use(any_cache, clock):
    if any_cache == "locmem":
        pytest.skip("the expiry is read from the database's table or from Redis")
    clock.at(600)  # ten minutes into the hour
    for _ in range(3):  # created, then counted twice
        ratelimit.hit("test:ttl", limit=5, window_seconds=3600)
    cache = caches["default"]
    key = cache.make_key(ratelimit._window("test:ttl", 3600)[0])
    if any_cache == "database":
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM cache_entries WHERE cache_key = %s", [key])
            (expires,) = cursor.fetchone()
        expires = expires if isinstance(expires, datetime) else datetime.fromisoformat(str(expires))
        assert expires.replace(tzinfo=UTC).timestamp() == clock.start + 3600
    else:
        assert 2990 <= cache._cache.get_client(key).ttl(key) <= 3000


def test_a_busy_database_cache_keeps_every_counter(database_cache):
    # Django culls a third of a database cache's entries past MAX_ENTRIES (300 by default),
    # first in key order: a counter whose key sorts first would vanish among 1,000 others.
    victim = next(key for key in (f"test:victim:{n}" for n in itertools.count())
                  if hashlib.sha256(key.encode()).hexdigest().startswith("00"))
    assert ratelimit.hit(victim, limit=1, window_seconds=3600)
    for n in range(1000):
        ratelimit.hit(f"test:other:{n}", limit=1, window_seconds=3600)
    assert ratelimit.hit(victim, limit=1, window_seconds=3600) is False


def test_limit_check_raises_a_translated_429_once_over(rate_limit):
    rate_limit("reset-code-account", 2)
    ratelimit.limit_check("reset-code-account", "0905000001")
    ratelimit.limit_check("reset-code-account", "0905000001")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.limit_check("reset-code-account", "0905000001")
    assert (refused.value.status, refused.value.code) == (429, "rate_limited")
    assert "Bạn đã thử quá nhiều lần" in refused.value.message
    ratelimit.limit_check("reset-code-account", "0905000002")  # another account: its own count


def test_limit_reached_only_looks(rate_limit):
    rate_limit("reset-code-account", 2)
    assert not any(ratelimit.limit_reached("reset-code-account", "0905000001") for _ in range(5))
    ratelimit.limit_hit("reset-code-account", "0905000001")
    assert not ratelimit.limit_reached("reset-code-account", "0905000001")
    ratelimit.limit_hit("reset-code-account", "0905000001")
    assert ratelimit.limit_reached("reset-code-account", "0905000001")


def test_an_ipv6_address_counts_as_its_64_block(rate_limit):
    rate_limit("register-address", 1)
    assert ratelimit.limit_hit("register-address", "2001:db8:1:2::1")
    assert not ratelimit.limit_hit("register-address", "2001:db8:1:2:ffff::99")
    assert ratelimit.limit_hit("register-address", "2001:db8:1:3::1")
    assert ratelimit.limit_hit("register-address", "203.0.113.1")
    assert ratelimit.limit_hit("register-address", "203.0.113.2")


def test_the_limits_are_in_the_settings_with_their_windows(settings):
    assert set(settings.RATE_LIMITS) >= {
        "login-failure-account", "login-failure-address", "register-address", "reset-code-account",
        "reset-code-address", "contest-start-person", "contest-start-address",
    }
    # Sized for carrier-grade NAT: an address carries hundreds of people, an account one.
    assert settings.RATE_LIMITS["contest-start-address"][0] >= 100
    assert settings.RATE_LIMITS["login-failure-address"][0] >= 100


def test_registration_over_the_limit_gets_429_and_creates_nothing(client, village, rate_limit):
    rate_limit("register-address", 2)
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


def test_failed_attempts_count_too(client, village, rate_limit):
    # Counting every POST stops someone from probing which phone numbers are registered.
    rate_limit("register-address", 2)
    for _ in range(2):
        client.post(URL, registration(village, "123"))
    assert client.post(URL, registration(village, "0935000009")).status_code == 429
    assert not User.objects.filter(phone="0935000009").exists()


def test_the_limit_is_per_address(client, village, rate_limit):
    rate_limit("register-address", 1)
    client.post(URL, registration(village, "123"), REMOTE_ADDR="203.0.113.1")
    assert client.post(URL, registration(village, "123"), REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.post(URL, registration(village, "0935000010"), REMOTE_ADDR="203.0.113.2").status_code == 302


def test_showing_the_form_is_not_limited(client, village, rate_limit):
    rate_limit("register-address", 1)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    assert client.post(URL, registration(village, "0935000011")).status_code == 302


def test_registrations_stay_limited_for_the_whole_hour_on_the_database_cache(client, village, rate_limit,
                                                                            database_cache, clock):
    rate_limit("register-address", 2)
    clock.at(0)
    for phone in ("0935000021", "0935000022"):
        assert client.post(URL, registration(village, phone)).status_code == 302
        client.logout()
    clock.at(10 * 60)
    assert client.post(URL, registration(village, "0935000023")).status_code == 429
    clock.at(60 * 60)
    assert client.post(URL, registration(village, "0935000023")).status_code == 302
