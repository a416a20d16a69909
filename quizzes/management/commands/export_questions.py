from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quizzes.exporters import bank_export_gift, bank_export_xlsx
from quizzes.models import Topic


class Command(BaseCommand):
    help = "Export the question bank (or one topic) to .xlsx or GIFT, in the layout the importer reads back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["xlsx", "gift"], default=None,
                            help="xlsx or gift (default: from the file name; .gift and .txt are GIFT)")
        parser.add_argument("--topic", default=None, help="slug of the one topic to export")

    def handle(self, *args, file: Path, format: str | None, topic: str | None, **options) -> None:
        if format is None:
            suffix = file.suffix.lower()
            format = "xlsx" if suffix == ".xlsx" else "gift" if suffix in (".gift", ".txt") else None
            if format is None:
                raise CommandError(_("Cannot tell the format from the file name; use --format xlsx or gift."))
        chosen = None
        if topic:
            chosen = Topic.objects.filter(slug=topic).first()
            if chosen is None:
                raise CommandError(_("There is no topic with the code “%(slug)s”.") % {"slug": topic})
        if format == "xlsx":
            file.write_bytes(bank_export_xlsx(topic=chosen))
        else:
            file.write_text(bank_export_gift(topic=chosen), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(_("Exported to %(path)s.") % {"path": file}))
