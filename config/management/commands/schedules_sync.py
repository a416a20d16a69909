from django.core.management.base import BaseCommand

from config.tasks import schedules_sync


class Command(BaseCommand):
    help = "Create the task queue's recurring jobs (config/tasks.py) or set them back to what the code says."

    def handle(self, *args, **options) -> None:
        for schedule in schedules_sync():
            self.stdout.write(f"{schedule.name}: {schedule.func} every {schedule.minutes} minute(s)")
