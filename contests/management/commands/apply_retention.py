from django.core.management.base import BaseCommand, CommandError

from contests.retention import contest_retention_apply


class Command(BaseCommand):
    help = ("Anonymise the contestants of contests whose prizes were awarded more than "
            "CONTEST_DATA_RETENTION_MONTHS ago (default 12). Safe to run every day; a second run "
            "changes nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--months", type=int, default=None,
                            help="override CONTEST_DATA_RETENTION_MONTHS for this run")

    def handle(self, *args, months: int | None, **options) -> None:
        if months is not None and months < 1:
            raise CommandError("--months must be at least 1.")
        result = contest_retention_apply(months=months)
        self.stdout.write(f"contests past retention: {len(result.contests)}")
        self.stdout.write(f"accounts anonymised: {result.anonymised}")
        self.stdout.write(f"attempts cleared of address and device: {result.attempts_cleared}")
