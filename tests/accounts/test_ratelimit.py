"""The registration rate limit, and the cache-backed counter behind it."""

import pytest
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


@pytest.fixture(params=["locmem", "database"])
def any_cache(request):
    """Each test with this fixture runs on the suite's locmem cache and on the database cache a
    fresh clone runs on (Redis: tests/accounts/test_ratelimit_redis.py)."""
    if request.param == "database":
        request.getfixturevalue("database_cache")
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
