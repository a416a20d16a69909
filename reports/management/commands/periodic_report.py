"""python manage.py periodic_report --from YYYY-MM-DD --to YYYY-MM-DD [--unit ID] --out FILE.docx"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Unit
from reports.periodic import periodic_report_docx
from reports.stats import Filters, dashboard


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Write the periodic report on administrative reform communication (.docx) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--unit", type=int, help="Unit id (default: the top of the unit tree).")
        parser.add_argument("--out", required=True, help="The .docx file to write.")


    def handle(self, *args, date_from: str, date_to: str, unit: int | None, out: str, **options) -> None:
        start, end = _day(date_from), _day(date_to)
        if start > end:
            raise CommandError("--to must be on or after --from.")
        if unit is not None:
            root = Unit.objects.filter(pk=unit).first()
            if root is None:
                raise CommandError(f"No unit with id {unit}.")
        else:
            root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
            if root is None:
                raise CommandError("There is no unit yet: load the units first.")
        data = dashboard(Filters(unit=root, date_from=start, date_to=end))
        path = Path(out)
        path.write_bytes(periodic_report_docx(data))
        self.stdout.write(f"{path} ({root.name}, {start:%d/%m/%Y}–{end:%d/%m/%Y})")
