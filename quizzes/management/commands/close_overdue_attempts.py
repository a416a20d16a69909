from django.core.management.base import BaseCommand

from quizzes.services.attempts import attempts_close_overdue


class Command(BaseCommand):
    help = "Close every attempt past its deadline and grace period, grading what was saved."

    def handle(self, *args, **options) -> None:
        closed = attempts_close_overdue()
        self.stdout.write(f"Closed {closed} overdue attempt(s).")
