"""The journeys bench (tests/bench/journeys.py, its short run) through nginx's https address,
load-balanced over the cluster's app servers: every answer a phone saw acknowledged is in the
database, no attempt or standing was made twice, every app server served part of the load."""

import json
import sys
from pathlib import Path

import pytest

from tests.cluster.conftest import ROOT, Cluster

pytestmark = pytest.mark.cluster

# An acknowledged answer the database does not hold, as the bench's own verification reports it.
CONTROL = """
import django, json
django.setup()
import sys
sys.path.insert(0, "tests/bench")
import journeys_seed
from quizzes.models import AttemptQuestion
item = AttemptQuestion.objects.filter(attempt__quiz__slug="do-hanh-trinh-tuan-1").exclude(selected=[]).first()
unchosen = next(n for n, c in enumerate(item.choices, 1) if c["id"] not in item.selected)
ack = [item.attempt_id, item.pk, [unchosen], [item.choices[unchosen - 1]["text"]]]
print(json.dumps(journeys_seed.verify([ack])))
"""


def _requests(cluster: Cluster) -> list[int]:
    return [len(cluster.log(f"web-{n}.access").splitlines()) for n in range(1, len(cluster.web_ports) + 1)]


def test_the_journeys_through_nginx_lose_no_answer_and_grade_nothing_twice(cluster: Cluster, tmp_path: Path):
    before = _requests(cluster)
    out = tmp_path / "journeys.json"
    cluster.python(str(ROOT / "tests" / "bench" / "journeys.py"), "--smoke", "--base-url", cluster.url,
                   "--server-pids", ",".join(str(cluster.dir / f"web-{n}.pid")
                                             for n in range(1, len(cluster.web_ports) + 1)),
                   "--database-pids", str(cluster.dir / "pg" / "postmaster.pid"),
                   "--proxy-pids", str(cluster.dir / "nginx" / "nginx.pid"),
                   "--server-logs", str(cluster.dir / "logs" / "web-*.log"), "--out", str(out), timeout=900)
    results = json.loads(out.read_text())
    answers = results["answers"]
    assert answers["acknowledged_saves"] > 0
    assert (answers["lost"], answers["duplicates"]) == (0, 0), answers
    assert answers["attempts_finished"] > 0
    assert results["server_tracebacks"] == 0
    for kind in ("resident", "civil servant", "organiser"):
        assert results["journeys"].get(kind), results["journeys"]
    served = [after - earlier for after, earlier in zip(_requests(cluster), before, strict=True)]
    assert all(n > 0 for n in served), f"requests per app server: {served}"
    print(f"requests per app server: {served}", file=sys.stderr)


def test_control_the_same_verification_reports_an_answer_the_database_does_not_hold(cluster: Cluster):
    verdict = json.loads(cluster.python("-c", CONTROL))
    assert verdict["lost"] == 1
