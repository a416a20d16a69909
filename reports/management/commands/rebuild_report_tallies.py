"""Recompute the report tallies from the finished attempts (reports.tallies). Safe to run at any
time and as often as wanted: the result does not depend on what the tallies held before."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.tallies import tallies_rebuild


class Command(BaseCommand):
    help = "Recompute the per-day tallies of attempts and answers that the reports read."

    def handle(self, *args, **options) -> None:
        written = tallies_rebuild()
        self.stdout.write(", ".join(f"{name}: {n} rows" for name, n in written.items()))
