"""The deployment's backup (deploy/backup.sh, pg_dump on the cchc-backup.timer schedule) of the
cluster's live database restores into a fresh database that passes `manage.py check`
(deploy/restore-check.sh). The control: a dump cut short does not pass."""

import subprocess
from pathlib import Path

import pytest

from tests.cluster.conftest import ROOT, Cluster

pytestmark = pytest.mark.cluster


def _admin(cluster: Cluster) -> str:
    return cluster.app_env["DATABASE_URL"].rsplit("/", 1)[0].replace("app:app@", "postgres@") + "/postgres"


def _backup(cluster: Cluster, where: Path) -> Path:
    done = subprocess.run(["bash", str(ROOT / "deploy" / "backup.sh")], cwd=ROOT, capture_output=True, text=True,
                          env={**cluster.app_env, "BACKUP_DIR": str(where)}, timeout=300)
    assert done.returncode == 0, done.stderr
    (dump,) = where.glob("cchc-*.dump")
    return dump


def _restore_check(cluster: Cluster, dump: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "deploy" / "restore-check.sh"), str(dump), _admin(cluster)],
                          cwd=ROOT, capture_output=True, text=True, env=cluster.app_env, timeout=600)


def test_a_nightly_backup_restores_into_a_fresh_database_that_passes_the_checks(cluster: Cluster, tmp_path):
    dump = _backup(cluster, tmp_path)
    done = _restore_check(cluster, dump)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "restores and passes manage.py check" in done.stdout
    people = cluster.sql("SELECT COUNT(*) FROM accounts_user")[0][0]
    assert f"accounts: {people}" in done.stdout
    # The fresh database is dropped again.
    assert cluster.sql("SELECT COUNT(*) FROM pg_database WHERE datname LIKE 'cchc_restore_check_%%'") == [(0,)]


def test_control_a_dump_cut_short_does_not_pass(cluster: Cluster, tmp_path):
    dump = _backup(cluster, tmp_path)
    cut = tmp_path / "cut.dump"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    assert _restore_check(cluster, cut).returncode != 0
