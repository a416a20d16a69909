"""The person's address behind reverse proxies (accounts.ratelimit.client_ip): one rule for the
rate limits, the login lockout and the address an attempt records. The same rule through a real
nginx: tests/proxy/."""

import pytest
from django.urls import reverse

from accounts.ratelimit import client_ip

PROXY = "10.0.0.2"  # nginx, as the app sees it


def _request(rf, *, forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_a_trusted_proxy_the_connection_is_the_person_and_the_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(rf, remote="203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(rf, forwarded="198.51.100.1", remote="203.0.113.7")) == "203.0.113.7"


def test_behind_one_proxy_the_last_entry_is_the_person(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(rf, forwarded="203.0.113.7")) == "203.0.113.7"


def test_entries_the_client_wrote_itself_are_not_believed(rf, settings):
    # nginx appends the address it saw to whatever the client sent.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(rf, forwarded="198.51.100.1, 192.0.2.9, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_person(rf, settings):
    # A load balancer appends the phone's address, then nginx appends the load balancer's.
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(rf, forwarded="198.51.100.1, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["", "   ", "nonsense", "203.0.113.7:5555", "unknown", "999.1.1.1", ", ,"])
def test_a_missing_or_malformed_header_falls_back_to_the_connection(rf, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(rf, forwarded=forwarded)) == PROXY


def test_a_header_shorter_than_the_proxy_count_falls_back_to_the_connection(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(rf, forwarded="203.0.113.7")) == PROXY
    assert client_ip(_request(rf)) == PROXY


def test_addresses_are_written_one_way(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(rf, forwarded=" 2001:DB8:0:0::1 ")) == "2001:db8::1"
    assert client_ip(_request(rf, forwarded="::ffff:203.0.113.7")) == "203.0.113.7"


def test_a_connection_without_an_address_has_none(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(rf, remote="")) is None


@pytest.mark.django_db
def test_the_login_lockout_keys_on_the_person_behind_the_proxy(client, resident, password, settings):
    """django-axes reads the same function: one person's failures do not lock out another person
    who logs in to the same account through the same nginx."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": resident.phone, "password": "sai-mat-khau"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = client.post(url, {"username": resident.phone, "password": password},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    other = client.post(url, {"username": resident.phone, "password": password},
                        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302
