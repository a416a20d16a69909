"""Sessions, lockouts and rate limits are the cluster's, not a server's: a person signed in through
one app server is signed in on every other; the 6th wrong password is refused whichever server
receives it. The controls are servers set up on their own (conftest.py): with a key of their own a
session from the others is not theirs, with a Redis of their own they count only what they saw."""

import pytest

from tests.cluster.conftest import Cluster

pytestmark = pytest.mark.cluster

WRONG = "sai-mat-khau-roi"
FAILURES = 5  # AXES_FAILURE_LIMIT and LOGIN_FAILURES_PER_ACCOUNT of make test-cluster


def _servers(cluster: Cluster) -> list[int]:
    return list(range(1, len(cluster.pinned) + 1))


def test_a_person_signed_in_through_one_server_is_signed_in_on_every_other(cluster: Cluster):
    phone = cluster.phone()
    assert phone.login(cluster.login_person(), cluster.seed["password"], server=1).status == 302
    assert [phone.signed_in(server=n) for n in _servers(cluster)] == [True] * len(cluster.pinned)
    assert phone.signed_in()


def test_control_a_server_with_its_own_secret_key_does_not_know_the_session(cluster: Cluster, loner):
    phone = cluster.phone()
    assert phone.login(cluster.login_person(), cluster.seed["password"], server=1).status == 302
    assert phone.signed_in(server=2)
    assert not phone.signed_in(server=loner)


def test_the_sixth_wrong_password_from_one_phone_is_refused_whichever_server_receives_it(cluster: Cluster):
    person, servers = cluster.login_person(), _servers(cluster)
    phone = cluster.phone()
    statuses = [phone.login(person, WRONG, server=servers[n % len(servers)]).status for n in range(FAILURES)]
    assert statuses[:-1] == [200] * (FAILURES - 1)  # the form again, "wrong password"
    # From then on every server refuses the account from this phone, the right password included.
    for server in servers:
        refused = phone.login(person, cluster.seed["password"], server=server)
        assert refused.status == 429, (server, refused.status)
        assert not phone.signed_in(server=server)


def test_wrong_passwords_from_many_addresses_count_together_on_every_server(cluster: Cluster):
    person, servers = cluster.login_person(), _servers(cluster)
    statuses = [cluster.phone().login(person, WRONG, server=servers[n % len(servers)]).status
                for n in range(FAILURES)]
    assert statuses == [200] * FAILURES
    # The account's limit (Redis): the right password from a phone never seen before, on each server.
    assert [cluster.phone().login(person, cluster.seed["password"], server=s).status for s in servers] == \
        [429] * len(servers)


def test_control_a_server_with_its_own_redis_lets_the_sixth_in(cluster: Cluster, loner):
    person, servers = cluster.login_person(), _servers(cluster)
    for n in range(FAILURES):
        assert cluster.phone().login(person, WRONG, server=servers[n % len(servers)]).status == 200
    assert cluster.phone().login(person, cluster.seed["password"], server=1).status == 429
    # Its counter saw none of the five: the guess goes through (here, the right password logs in).
    assert cluster.phone().login(person, cluster.seed["password"], server=loner).status == 302
