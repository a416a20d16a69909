from importlib import import_module

from django.core.management.base import BaseCommand

# Each app with demo data has a `demo` module with `load(stdout)`; order follows the import
# direction (accounts first). Loading twice changes nothing.
DEMO_MODULES = ["accounts.demo", "quizzes.demo", "quizzes.contests.demo", "training.demo"]


class Command(BaseCommand):
    help = "Load the demo data (units, accounts, question bank, modules, contest). Idempotent."

    def handle(self, *args, **options) -> None:
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            self.stdout.write(f"{name}:")
            module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            "Log in at /accounts/login/ with password DongTraBong@2025 and phone:\n"
            "  0905000001 organiser (Phòng Văn hóa - Xã hội)\n"
            "  0905000002 unit manager (Văn phòng HĐND và UBND xã)\n"
            "  0905000003 staff (Văn phòng HĐND và UBND xã)\n"
            "  0905000004 staff (Phòng Kinh tế)\n"
            "  0905000005 resident (Thôn 1)"
        )
