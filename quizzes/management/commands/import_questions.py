from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quizzes.bank_import import questions_import
from quizzes.importers import FORMATS


class Command(BaseCommand):
    help = "Import questions into the bank from .xlsx, .docx, GIFT or Aiken; all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=list(FORMATS), default=None,
                            help="xlsx, docx, gift, aiken or json (default: from the file name; "
                                 ".txt is Aiken unless it contains GIFT's { } answer blocks)")
        parser.add_argument("--topic", default=None, help="slug of the topic that receives every question")
        parser.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")

    def handle(self, *args, file: Path, format: str | None, topic: str | None, dry_run: bool,
               **options) -> None:
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        report = questions_import(source=file, format=format, topic=topic, dry_run=dry_run, actor=None)
        for issue in report.skipped:
            self.stderr.write(self.style.WARNING(_("Skipped — %(issue)s") % {"issue": issue}))
        if not report.ok:
            for issue in report.errors:
                self.stderr.write(str(issue))
            raise CommandError(_("Nothing was imported: %(count)d errors.") % {"count": len(report.errors)})
        for count in report.counts:
            self.stdout.write(f"  {count.topic} — {count.type}: {count.count}")
        if report.topics_created:
            self.stdout.write(_("New topics: %(names)s") % {"names": ", ".join(report.topics_created)})
        if dry_run:
            self.stdout.write(self.style.SUCCESS(
                _("Check passed: %(count)d questions can be imported (dry run, nothing written).")
                % {"count": len(report.questions)}))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported %(count)d questions.") % {"count": report.created}))
