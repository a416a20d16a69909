"""Restart Redis (stopped, started again empty: it keeps nothing on disk) in the middle of a
contest: nobody is signed out (the sessions are written through to PostgreSQL, cached_db), the
contestants finish their attempts, and the limits count again from the restart on. The control: a
server keeping its sessions in Redis alone (tests/cluster/control_settings.py) signs its people out."""

import pytest

from tests.cluster.conftest import Cluster
from tests.cluster.contestants import contest

pytestmark = pytest.mark.cluster

WRONG = "sai-mat-khau-roi"
FAILURES = 5


def test_a_redis_restart_signs_nobody_out_and_the_limits_recover(cluster: Cluster, cache_sessions):
    signed_in = cluster.phone()
    assert signed_in.login(cluster.login_person(), cluster.seed["password"]).status == 302
    control = cluster.phone()
    assert control.login(cluster.login_person(), cluster.seed["password"], server=cache_sessions).status == 302
    assert control.signed_in(server=cache_sessions)

    people = contest(cluster, 6, during=lambda: cluster.run_script("redis-restart"))

    assert [c.error for c in people] == [""] * 6
    acks = {item: choices for c in people for item, choices in c.acks.items()}
    assert cluster.lost_answers(acks) == []
    assert cluster.made_twice([c.phone.token for c in people]) == 0
    assert [signed_in.signed_in(server=n) for n in range(1, len(cluster.pinned) + 1)] == [True] * len(cluster.pinned)
    # The control: its session lived in Redis alone, and is gone.
    assert not control.signed_in(server=cache_sessions)

    # The limits count again: five wrong passwords from five phones, the sixth refused anywhere.
    person = cluster.login_person()
    assert [cluster.phone().login(person, WRONG, server=1 + n % len(cluster.pinned)).status
            for n in range(FAILURES)] == [200] * FAILURES
    assert cluster.phone().login(person, cluster.seed["password"]).status == 429
