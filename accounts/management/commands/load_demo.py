from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


def demo_modules() -> list:
    """Each installed app's `demo` module (with `load(stdout)`), in INSTALLED_APPS order, which
    follows the import direction (accounts first): found the way the admin finds `admin` modules,
    so accounts names none of the apps above it."""
    return [import_module(f"{config.name}.demo") for config in apps.get_app_configs()
            if module_has_submodule(config.module, "demo")]


class Command(BaseCommand):
    help = "Load the demo data (units, accounts, question bank, modules, contest). Idempotent."

    def handle(self, *args, **options) -> None:
        # Loading twice changes nothing.
        for module in demo_modules():
            self.stdout.write(f"{module.__name__}:")
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
