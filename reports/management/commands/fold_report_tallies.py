"""Add the attempts graded since the last fold to the report tallies (reports.tallies.tallies_fold).

Every report folds before it reads, so this is never needed for correct figures: run from cron
(every minute, beside close_overdue_attempts), it keeps the backlog short, so that the first
report after a busy contest does not do the whole contest's share of the work."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.tallies import tallies_fold


class Command(BaseCommand):
    help = "Add the attempts graded since the last fold to the per-day tallies that the reports read."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{tallies_fold()} graded attempts added to the tallies")
