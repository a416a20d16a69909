"""The task queue's schedules, in code: the recurring jobs that were cron lines. Created or
brought up to date after every `migrate` (post_migrate) and by `manage.py schedules_sync`, so a
fresh database and a deployed one run the same jobs. The functions are the ones the management
commands call; the task queue (django-q2, Q_CLUSTER in settings) runs them on its workers."""

from __future__ import annotations

from dataclasses import dataclass

from django_q.models import Schedule


@dataclass(frozen=True)
class Recurring:
    name: str
    func: str
    minutes: int


SCHEDULES = [
    # Abandoned attempts graded on time (manage.py close_overdue_attempts).
    Recurring("close_overdue_attempts", "quizzes.services.attempts.attempts_close_overdue", 1),
    # The reports' tallies counted from the attempts (manage.py update_report_tallies).
    Recurring("update_report_tallies", "reports.tallies.tallies_update", 5),
    # Contestants' personal data removed CONTEST_DATA_RETENTION_MONTHS after a contest's last round
    # closed (manage.py apply_retention): daily is well inside any deadline it serves.
    Recurring("apply_retention", "contests.retention.contest_retention_apply", 24 * 60),
]


def schedules_sync(*, using: str = "default") -> list[Schedule]:
    """Create the project's schedules, or set them back to what the code says. Idempotent:
    one row per name, whose next run is kept."""
    synced = []
    for job in SCHEDULES:
        schedule, _created = Schedule.objects.using(using).update_or_create(
            name=job.name,
            defaults={"func": job.func, "schedule_type": Schedule.MINUTES, "minutes": job.minutes, "repeats": -1},
        )
        synced.append(schedule)
    return synced


def schedules_sync_after_migrate(*, apps=None, using: str = "default", **_kwargs) -> None:
    from django.apps import apps as global_apps

    try:
        (apps or global_apps).get_model("django_q", "Schedule")
    except LookupError:  # migrated back before django_q's tables
        return
    schedules_sync(using=using)
