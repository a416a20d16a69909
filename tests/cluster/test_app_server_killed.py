"""SIGKILL one app server (its gunicorn master and workers at once, a machine lost) in the middle
of a contest: nginx sends the next requests to the others; half the contestants were reaching the
killed server through nginx's address pinned to it, and retry what died (a request cut off, or
refused with 502) through the load-balanced address. In the end every acknowledged answer is in
the database, each person has one attempt and one standing, and every answer to their submits
(retries included) is the same result."""

import threading
import time

import pytest

from tests.cluster.conftest import Cluster
from tests.cluster.contestants import contest

pytestmark = pytest.mark.cluster

PEOPLE = 12


def test_the_others_carry_on_and_retrying_clients_lose_nothing_and_get_no_duplicate(cluster: Cluster):
    killed = 2
    kill_at = {}

    def kill_one_server():
        # While some requests are in flight: the contestants go on as soon as `during` returns,
        # so the kill lands among their next requests.
        def later():
            time.sleep(0.3)
            kill_at["t"] = time.monotonic()
            cluster.kill(f"web-{killed}")
        threading.Thread(target=later).start()

    try:
        people = contest(cluster, PEOPLE, during=kill_one_server, pinned=killed)
        assert not cluster.alive(f"web-{killed}")
        assert [c.error for c in people] == [""] * PEOPLE
        acks = {item: choices for c in people for item, choices in c.acks.items()}
        assert len(acks) == PEOPLE * 8
        assert cluster.lost_answers(acks) == []
        assert cluster.made_twice([c.phone.token for c in people]) == 0
        for c in people:
            scores = {(r["score"], r["max_score"]) for r in c.results}
            assert len(scores) == 1, c.results
        rows = cluster.sql("SELECT status, COUNT(*) FROM quizzes_attempt WHERE id = ANY(%s) GROUP BY status",
                           ([c.attempt for c in people],))
        assert rows == [("submitted", PEOPLE)]
        # The kill was felt: the phones pinned to the killed server had requests refused (or cut
        # off) and sent them again through the load-balanced address, which the others served.
        retried = sum(c.retries for c in people)
        assert retried > 0
        print(f"requests retried by the clients: {retried}")
    finally:
        if not cluster.alive(f"web-{killed}"):
            cluster.run_script("web-start", str(killed))


def test_control_the_checks_see_a_lost_answer_and_a_second_attempt(cluster: Cluster):
    people = contest(cluster, 1, during=lambda: None)
    (person,) = people
    assert person.error == ""
    item, choices = next(iter(person.acks.items()))
    # Behind the client's back: the answer it saw acknowledged is not what the database holds.
    cluster.sql("UPDATE quizzes_attemptquestion SET selected = '[]'::jsonb WHERE id = %s", (item,))
    assert cluster.lost_answers(person.acks) == [item]
    # A start that made a new attempt (three are allowed) instead of returning the one in progress.
    person.send("POST", f"/api/quizzes/{cluster.seed['quiz']}/attempts/", expect=(201,), json_body={})
    assert cluster.made_twice([person.phone.token]) == 1
