"""A task worker SIGKILLed (its whole qcluster: a machine lost) in the middle of a round's close:
the task stays in the cluster's PostgreSQL queue, another worker takes it once its receipt
expires (TASK_RETRY, 25 s under make test-cluster) and finishes the run, with the ranking, the
prizes and the snapshot's SHA-256 of the same data closed without interruption (a copy of the
database, made with pg_dump before the close, closed in one go by `manage.py close_round`). The
control: the same comparison against a copy in which one prediction differs tells them apart."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from tests.cluster.conftest import Cluster, wait_until

pytestmark = pytest.mark.cluster



def _copy(cluster: Cluster, name: str) -> str:
    """A copy of the cluster's database as it is now (pg_dump | psql, live: the servers keep working)."""
    v = cluster.values
    admin = ["-h", "127.0.0.1", "-p", v["PG_PORT"], "-U", "postgres"]
    subprocess.run([f"{v['CLUSTER_PG_BIN']}/psql", *admin, "-q", "-c", f'CREATE DATABASE "{name}" OWNER app'],
                   check=True, capture_output=True)
    dump = subprocess.run([f"{v['CLUSTER_PG_BIN']}/pg_dump", *admin, "--no-owner", "app"], check=True,
                          capture_output=True)
    subprocess.run([f"{v['CLUSTER_PG_BIN']}/psql", *admin, "-q", "-v", "ON_ERROR_STOP=1", "-U", "app", name],
                   input=dump.stdout, check=True, capture_output=True)
    return cluster.app_env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name


def _ended_round(cluster: Cluster, database: str | None = None) -> int:
    return cluster.sql("SELECT r.id FROM quizzes_round r JOIN quizzes_contest c ON c.id = r.contest_id "
                       "WHERE c.slug = %s", (cluster.seed["ended_contest"],), database)[0][0]


def _result(cluster: Cluster, database: str | None = None) -> dict:
    round_id = (_ended_round(cluster, database),)
    return {
        "sha256": cluster.sql("SELECT snapshot_sha256 FROM quizzes_round WHERE id = %s", round_id, database)[0][0],
        "ranks": cluster.sql("SELECT user_id, final_rank, prediction_error FROM quizzes_standing "
                             "WHERE round_id = %s ORDER BY user_id", round_id, database),
        "prizes": cluster.sql("SELECT kind, place, standing_id, unit_id FROM quizzes_prize "
                              "WHERE round_id = %s ORDER BY kind, place", round_id, database),
    }


def _close_in_one_go(cluster: Cluster, url: str) -> None:
    cluster.python("manage.py", "close_round", cluster.seed["ended_contest"], "1", "--override-reason", "thử nghiệm",
                   env={"DATABASE_URL": url})


def _closing(cluster: Cluster, closing: int) -> dict:
    row = cluster.sql("SELECT status, step, steps_done, runs FROM contests_roundclosing WHERE id = %s", (closing,))[0]
    return dict(zip(["status", "step", "steps_done", "runs"], row, strict=True))


@pytest.fixture(scope="module")
def uninterrupted(cluster: Cluster) -> dict[str, dict]:
    """Two copies of the data before the close, each closed in one go: the same data, and the same
    with one person's prediction a thousand higher (the control)."""
    _copy(cluster, "twin_uninterrupted")
    changed = _copy(cluster, "twin_changed")
    cluster.sql("UPDATE quizzes_standing SET prediction = prediction + 1000 WHERE id = "
                "(SELECT MIN(id) FROM quizzes_standing WHERE round_id = %s)",
                (_ended_round(cluster, "twin_changed"),), "twin_changed")
    _close_in_one_go(cluster, cluster.app_env["DATABASE_URL"].rsplit("/", 1)[0] + "/twin_uninterrupted")
    _close_in_one_go(cluster, changed)
    return {"same": _result(cluster, "twin_uninterrupted"), "changed": _result(cluster, "twin_changed")}


def test_a_close_whose_worker_is_killed_is_finished_by_another_with_the_same_result(cluster: Cluster,
                                                                                    uninterrupted):
    expected = uninterrupted["same"]
    assert expected["sha256"] and expected["ranks"] and expected["prizes"]

    closing = int(cluster.python("-m", "tests.cluster.seed", "request"))
    task = f"round-close-{closing}"
    # Whichever worker took it (django-q2 logs the task's name as a process takes it), killed mid-way.
    taker = wait_until(lambda: next((n for n in range(1, cluster.workers + 1)
                                     if re.search(rf"processing {task} ", cluster.log(f"worker-{n}"))), None),
                       seconds=60, message=f"no worker took {task}")
    wait_until(lambda: _closing(cluster, closing)["steps_done"] >= 2, seconds=60, message="the close did not start")
    try:
        cluster.kill(f"worker-{taker}")
        killed_at = time.monotonic()
        stopped = _closing(cluster, closing)
        assert stopped["status"] == "running" and stopped["steps_done"] < 5, stopped
        done = wait_until(lambda: _closing(cluster, closing)["status"] == "done" and _closing(cluster, closing),
                          seconds=25 + 90, message="the close was not finished by another worker")
        assert time.monotonic() - killed_at >= 25 - 15  # not before the task's receipt expired
        assert done["runs"] == 2
        assert _result(cluster) == expected
        saved = cluster.sql("SELECT success FROM django_q_task WHERE name = %s", (task,))
        assert [bool(s) for (s,) in saved] == [True]
        others = [n for n in range(1, cluster.workers + 1) if n != taker]
        assert any(re.search(rf"processing {task} ", cluster.log(f"worker-{n}")) for n in others)
    finally:
        if not cluster.alive(f"worker-{taker}"):
            cluster.run_script("worker-start", str(taker))


def test_control_the_comparison_tells_a_close_of_other_data_apart(cluster: Cluster, uninterrupted):
    assert uninterrupted["changed"]["sha256"] != uninterrupted["same"]["sha256"]
    assert uninterrupted["changed"]["ranks"] != uninterrupted["same"]["ranks"]
