from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Unit
from accounts.staff_import import staff_import


class Command(BaseCommand):
    help = (
        "Create staff accounts from an .xlsx sheet (the template of the import page). All or nothing: "
        "every bad row is printed and, if there is any, no account is created."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx file")
        parser.add_argument("--password", required=True,
                            help="initial password of every account; each person must change it at first login")
        parser.add_argument("--unit-root", type=int, dest="unit_root",
                            help="id of the unit whose subtree the units are looked up in (default: the tree's root)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and list the accounts; create nothing")

    def handle(self, *args, file: Path, password: str, unit_root: int | None, dry_run: bool, **options) -> None:
        root = self._root(unit_root)
        try:
            validate_password(password)
        except ValidationError as exc:
            reasons = " ".join(exc.messages)
            raise CommandError(_("The password is not accepted: %(reasons)s") % {"reasons": reasons}) from exc
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from exc
        with handle:
            result = staff_import(file=handle, file_name=file.name, root=root, password=password,
                                  actor=None, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(ngettext(
                "%(count)d problem in %(file)s; no account was created.",
                "%(count)d problems in %(file)s; no account was created.", len(result.errors),
            ) % {"count": len(result.errors), "file": file.name})
        if dry_run:
            for row in result.rows:
                self.stdout.write(f"{row.row}: {row.full_name} | {row.phone or ''} | {row.email or ''} | "
                                  f"{row.unit.name} | {row.position} | {row.role.value}")
            self.stdout.write(self.style.SUCCESS(ngettext(
                "Check only: %(count)d account would be created.",
                "Check only: %(count)d accounts would be created.", len(result.rows),
            ) % {"count": len(result.rows)}))
            return
        for label, count in result.per_unit():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(self.style.SUCCESS(ngettext(
            "%(count)d account was created.", "%(count)d accounts were created.", result.created,
        ) % {"count": result.created}))

    def _root(self, unit_root: int | None) -> Unit:
        if unit_root is not None:
            root = Unit.objects.filter(pk=unit_root).first()
            if root is None:
                raise CommandError(_("There is no unit with id %(id)d.") % {"id": unit_root})
            return root
        roots = list(Unit.objects.filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            raise CommandError(_("The unit tree has no single root: give --unit-root."))
        return roots[0]
