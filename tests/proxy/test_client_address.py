"""The person's address through a real nginx (issue 13): with TRUSTED_PROXY_COUNT=1 behind nginx,
100 people from 100 addresses all start, the address over its limit is refused and nobody else;
with no proxy (TRUSTED_PROXY_COUNT=0) a forged X-Forwarded-For changes nothing. The controls show
that each check fails when the setting is wrong. Run by `make test-proxy` (tests/proxy/conftest.py
starts and stops the servers)."""

import pytest

from tests.proxy.conftest import LOGIN_FAILURES, STARTS_PER_ADDRESS, Stack

pytestmark = pytest.mark.proxy


def test_a_hundred_people_behind_nginx_all_start_each_under_their_own_address(stack: Stack):
    sources = [f"127.0.1.{n}" for n in range(1, 101)]
    started = {source: stack.start("nginx-trusting", source=source) for source in sources}
    assert [answer.status for _token, answer in started.values()] == [201] * 100
    recorded = stack.recorded_addresses()
    assert {source: recorded[token] for source, (token, _answer) in started.items()} == {s: s for s in sources}


def test_one_address_over_its_limit_is_refused_and_its_neighbours_are_not(stack: Stack):
    busy = "127.0.2.1"
    statuses = [stack.start("nginx-trusting", source=busy)[1].status for _ in range(STARTS_PER_ADDRESS + 1)]
    assert statuses == [201] * STARTS_PER_ADDRESS + [429]
    _token, refused = stack.start("nginx-trusting", source=busy)
    assert refused.body["code"] == "too_many_starts"
    assert stack.start("nginx-trusting", source="127.0.2.2")[1].status == 201


def test_a_forged_header_through_nginx_does_not_open_the_limit_again(stack: Stack):
    # nginx appends the real address to whatever the client wrote; the app takes nginx's entry.
    busy = "127.0.3.1"
    statuses = [stack.start("nginx-trusting", source=busy, forwarded_for=f"198.51.100.{n}")[1].status
                for n in range(STARTS_PER_ADDRESS + 1)]
    assert statuses == [201] * STARTS_PER_ADDRESS + [429]


def test_without_a_proxy_a_forged_header_changes_nothing(stack: Stack):
    source = "127.0.4.1"
    started = [stack.start("direct", source=source, forwarded_for=f"198.51.100.{n}")
               for n in range(STARTS_PER_ADDRESS + 1)]
    assert [answer.status for _token, answer in started] == [201] * STARTS_PER_ADDRESS + [429]
    recorded = stack.recorded_addresses()
    assert {recorded[token] for token, answer in started if answer.status == 201} == {source}


def test_the_login_lockout_keys_on_the_person_behind_nginx(stack: Stack):
    login = stack.login
    wrong = {"username": login["phone"], "password": "sai-mat-khau"}
    right = {"username": login["phone"], "password": login["password"]}
    statuses = [stack.request("nginx-trusting", "POST", "/api/auth/token/", source="127.0.5.1", body=wrong).status
                for _ in range(LOGIN_FAILURES)]
    assert statuses == [401] * (LOGIN_FAILURES - 1) + [429]  # axes locks at the limit-th failure
    assert stack.request("nginx-trusting", "POST", "/api/auth/token/", source="127.0.5.1", body=right).status == 429
    other = stack.request("nginx-trusting", "POST", "/api/auth/token/", source="127.0.5.2", body=right)
    assert other.status == 200
    assert other.body["token"]


# --- Controls: the same checks fail when the setting does not match the proxies -----------------


def test_control_behind_nginx_without_the_setting_everyone_shares_nginxs_address(stack: Stack):
    """TRUSTED_PROXY_COUNT=0 behind nginx, the bug of issue 13: different people are refused as one."""
    statuses = [stack.start("nginx-direct", source=f"127.0.6.{n}")[1].status for n in range(1, STARTS_PER_ADDRESS + 2)]
    assert statuses == [201] * STARTS_PER_ADDRESS + [429]


def test_control_trusting_a_proxy_that_is_not_there_lets_a_forged_header_choose_the_address(stack: Stack):
    """TRUSTED_PROXY_COUNT=1 with no proxy in front: each forged header is a new address, so the
    limit never bites and the attempt records what the client wrote."""
    started = [stack.start("trusting", source="127.0.7.1", forwarded_for=f"198.51.100.{n}")
               for n in range(1, STARTS_PER_ADDRESS + 2)]
    assert [answer.status for _token, answer in started] == [201] * (STARTS_PER_ADDRESS + 1)
    recorded = stack.recorded_addresses()
    forged = [f"198.51.100.{n}" for n in range(1, STARTS_PER_ADDRESS + 2)]
    assert [recorded[token] for token, _answer in started] == forged
