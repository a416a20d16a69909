"""Count the report tallies from the finished attempts (reports.tallies.tallies_update). The task
queue runs the same function every five minutes (config/tasks.py); the reports show the figures as
of the last run."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from reports.tallies import tallies_update


class Command(BaseCommand):
    help = "Count the per-day tallies of finished attempts and answers that the reports read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="Recount every day, not only those that can have changed since the last run.")

    def handle(self, *args, everything: bool, **options) -> None:
        since = tallies_update(everything=everything)
        self.stdout.write(f"Tallies recounted from {since:%d/%m/%Y}{' (every day)' if everything else ''}.")
