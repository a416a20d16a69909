"""Demo question bank: fixtures/question_bank.json through the same import as organisers use.
Idempotent: a question whose text is already in its topic is left alone."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from quizzes.bank_import import questions_import

BANK = Path(settings.BASE_DIR) / "fixtures" / "question_bank.json"


def load(stdout) -> None:
    report = questions_import(source=BANK, format="json", skip_existing=True, actor=None)
    if not report.ok:
        raise CommandError("fixtures/question_bank.json: " + "; ".join(str(e) for e in report.errors[:20]))
    stdout.write(f"  questions: {report.created} new, {report.existing} already loaded")
    if report.topics_created:
        stdout.write(f"  topics created: {len(report.topics_created)}")
