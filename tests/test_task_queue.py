"""The task queue (django-q2 with its ORM broker): its settings, and the project's schedules,
which replace the cron lines: created by `migrate`, set back to the code by `schedules_sync`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_q.models import Schedule

from config.tasks import schedules_sync

ROOT = Path(__file__).resolve().parent.parent


def _schedules() -> list[tuple]:
    return list(Schedule.objects.order_by("name").values_list("name", "func", "schedule_type", "minutes", "repeats"))


EXPECTED = [
    ("apply_retention", "contests.retention.contest_retention_apply", Schedule.MINUTES, 24 * 60, -1),
    ("close_overdue_attempts", "quizzes.services.attempts.attempts_close_overdue", Schedule.MINUTES, 1, -1),
    ("update_report_tallies", "reports.tallies.tallies_update", Schedule.MINUTES, 5, -1),
]


@pytest.mark.django_db
def test_migrate_creates_the_schedules_that_were_cron_lines():
    # The test database was built by migrate, whose post_migrate created them.
    assert _schedules() == EXPECTED


@pytest.mark.django_db
def test_syncing_the_schedules_again_changes_nothing_and_undoes_an_edit(capsys):
    Schedule.objects.filter(name="update_report_tallies").update(minutes=60, func="reports.tallies.other")
    call_command("schedules_sync")
    schedules_sync()
    assert _schedules() == EXPECTED
    assert "update_report_tallies: reports.tallies.tallies_update every 5 minute(s)" in capsys.readouterr().out


def test_the_scheduled_functions_are_those_the_commands_call():
    from django.utils.module_loading import import_string

    from contests.management.commands import apply_retention
    from quizzes.management.commands import close_overdue_attempts
    from reports.management.commands import update_report_tallies

    assert import_string(EXPECTED[0][1]) is apply_retention.contest_retention_apply
    assert import_string(EXPECTED[1][1]) is close_overdue_attempts.attempts_close_overdue
    assert import_string(EXPECTED[2][1]) is update_report_tallies.tallies_update


def test_the_queue_uses_the_database_and_never_gives_a_running_task_to_a_second_worker():
    q = settings.Q_CLUSTER
    assert (q["orm"], q["workers"], q["catch_up"]) == ("default", 2, False)
    assert q["timeout"] < q["retry"]
    assert q["max_attempts"] >= 1


def _settings_in_subprocess(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TASK_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings",
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}", **env})
    code = "import django; django.setup(); from django.conf import settings; q = settings.Q_CLUSTER; " \
           "print(q['workers'], q['timeout'], q['retry'], q['max_attempts'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_environment_sets_workers_timeout_retry_and_attempts(tmp_path):
    result = _settings_in_subprocess(tmp_path, TASK_WORKERS="4", TASK_TIMEOUT="100", TASK_MAX_ATTEMPTS="5")
    assert result.returncode == 0, result.stderr
    # retry follows the timeout unless set.
    assert result.stdout.split() == ["4", "100", "220", "5"]


def test_a_retry_not_longer_than_the_timeout_stops_the_process(tmp_path):
    result = _settings_in_subprocess(tmp_path, TASK_TIMEOUT="100", TASK_RETRY="100")
    assert result.returncode != 0
    assert "TASK_RETRY (100) must be longer than TASK_TIMEOUT (100)" in result.stderr
