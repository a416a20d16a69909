"""Residents taking the open round through the API, as an app that retries does: a request that
got no answer, or a 502/503/504 from nginx (its server gone), is sent again, the same request; an
answer counts as acknowledged only on a 200. Starting twice returns the attempt in progress, saving
an answer again is the same answer, and the submit carries an idempotency key, so a retry repeats
nothing (tests/cluster/)."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from tests.cluster.conftest import Cluster, Phone

RETRIED = (502, 503, 504)


@dataclass
class Contestant:
    phone: Phone
    rng: random.Random
    pause: float
    acks: dict[int, list[int]] = field(default_factory=dict)  # item -> choices, the last acknowledged
    results: list[dict] = field(default_factory=list)  # every submit's answer (retries included)
    retries: int = 0
    attempt: int | None = None
    error: str = ""
    # Which address the phone uses: nginx's load-balanced one (None), or the one pinned to an app
    # server, left for the load-balanced one at the first failure (a phone whose route died).
    server: int | None = None

    def send(self, method: str, path: str, *, expect: tuple[int, ...], **kwargs):
        for _ in range(60):
            try:
                response = self.phone.request(method, path, server=self.server, timeout=30, **kwargs)
            except OSError:  # connection reset or refused while a server died: no answer
                self.retries += 1
                self.server = None
                time.sleep(0.5)
                continue
            if response.status in RETRIED:
                self.retries += 1
                self.server = None
                time.sleep(0.5)
                continue
            if response.status not in expect:
                raise AssertionError(f"{method} {path}: {response.status} {response.text[:300]}")
            return response.json()
        raise AssertionError(f"{method} {path}: no answer after 60 tries")

    def take(self, quiz: int, progress: threading.Event | None = None, go_on: threading.Event | None = None) -> None:
        try:
            attempt = self.send("POST", f"/api/quizzes/{quiz}/attempts/", expect=(200, 201), json_body={})
            self.attempt = attempt["id"]
            for n, item in enumerate(attempt["items"]):
                choice = self.rng.choice(item["choices"])["id"]
                self.send("POST", f"/api/attempts/{self.attempt}/answers/", expect=(200,),
                          json_body={"item": item["id"], "choices": [choice]})
                self.acks[item["id"]] = [choice]
                if n == 1 and progress is not None:
                    progress.set()
                if n == 2 and go_on is not None:
                    go_on.wait(120)  # the middle of the contest: something happens to the cluster
                time.sleep(self.rng.uniform(0.5, 1.5) * self.pause)
            key = f"submit-{self.attempt}"
            self.results.append(self.send("POST", f"/api/attempts/{self.attempt}/submit/", expect=(200,),
                                          json_body={}, headers={"Idempotency-Key": key}))
            # A client that did not see its answer sends it again: the same result, graded once.
            self.results.append(self.send("POST", f"/api/attempts/{self.attempt}/submit/", expect=(200,),
                                          json_body={}, headers={"Idempotency-Key": key}))
        except AssertionError as exc:
            self.error = str(exc)


def contest(cluster: Cluster, people: int, *, during, pause: float = 0.3,
            pinned: int | None = None) -> list[Contestant]:
    """`people` contestants at once; `during()` is called once each has saved two answers, while
    they wait before their third (so it happens mid-attempt for everyone), then they go on. Half of
    them go through nginx's address pinned to app server `pinned`, if given."""
    contestants = [Contestant(cluster.contestant(), random.Random(n), pause, server=pinned if n % 2 else None)
                   for n in range(people)]
    progress = [threading.Event() for _ in contestants]
    go_on = threading.Event()
    threads = [threading.Thread(target=c.take, args=(cluster.seed["quiz"], p, go_on))
               for c, p in zip(contestants, progress, strict=True)]
    for thread in threads:
        thread.start()
    try:
        for event in progress:
            event.wait(120)
        during()
    finally:
        go_on.set()
        for thread in threads:
            thread.join(300)
    return contestants
