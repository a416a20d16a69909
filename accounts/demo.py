"""Demo data of the accounts app: the unit tree and one account per role. Idempotent."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import ConsentPurpose, ConsentRecord, Unit, User
from accounts.roles import Role, assign_role, ensure_roles

DEMO_PASSWORD = "DongTraBong@2025"  # noqa: S105 — published demo login
COMMUNE_NAME = "Xã Đông Trà Bồng"

# phone, full name, unit name (under the commune), role, position
DEMO_USERS = [
    ("0905000001", "Trần Thị Hoa", "Phòng Văn hóa - Xã hội", Role.ORGANISER, "Trưởng phòng"),
    ("0905000002", "Lê Văn Minh", "Văn phòng HĐND và UBND xã", Role.UNIT_MANAGER, "Chánh Văn phòng"),
    ("0905000003", "Phạm Thị Lan", "Văn phòng HĐND và UBND xã", Role.STAFF, "Công chức"),
    ("0905000004", "Võ Văn Hùng", "Phòng Kinh tế", Role.STAFF, "Công chức"),
    ("0905000005", "Nguyễn Văn An", "Thôn 1 (ví dụ)", Role.RESIDENT, ""),
    ("0905000006", "Hồ Văn Tâm", "Thôn 1 (ví dụ)", Role.VILLAGE_OFFICER, "Trưởng thôn"),
]
# Roles that live in a village: residents, and the village officer, who is a resident too.
_VILLAGE_ROLES = (Role.RESIDENT, Role.VILLAGE_OFFICER)


def load_units(node: dict, parent: Unit | None = None, order: int = 0) -> int:
    unit, _created = Unit.objects.update_or_create(
        parent=parent, name=node["name"],
        defaults={
            "kind": node["kind"], "code": node.get("code", ""), "headcount": node.get("headcount", 0),
            "is_demo": node.get("is_demo", False), "sort_order": order,
        },
    )
    count = 1
    for i, child in enumerate(node.get("children", [])):
        count += load_units(child, unit, i)
    return count


def commune() -> Unit:
    return Unit.objects.get(name=COMMUNE_NAME)


@transaction.atomic
def load(stdout) -> None:
    ensure_roles()
    tree = json.loads((Path(settings.BASE_DIR) / "fixtures" / "units.json").read_text("utf-8"))["tree"]
    count = load_units(tree)
    stdout.write(f"  units: {count}")
    home = commune()
    for phone, name, unit_name, role, position in DEMO_USERS:
        unit = Unit.objects.subtree(home).get(name=unit_name)
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(
                phone, DEMO_PASSWORD, full_name=name, unit=unit, position=position,
                birth_year=1990 if role in _VILLAGE_ROLES else None,
            )
            if role in _VILLAGE_ROLES:
                user.show_on_leaderboard = True
                user.save(update_fields=["show_on_leaderboard"])
                ConsentRecord.objects.create(
                    user=user, purposes=[ConsentPurpose.CONTESTS, ConsentPurpose.LEADERBOARD],
                    text_version="demo",
                )
        if role in (Role.UNIT_MANAGER, Role.ORGANISER):
            assign_role(user, Role.STAFF)
        # Organisers work on the platform's own pages: no Django staff flag (the admin is for
        # superusers). Also undoes the flag on a database loaded by an older demo.
        if user.is_staff:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        if role == Role.VILLAGE_OFFICER:
            assign_role(user, Role.RESIDENT)
        assign_role(user, role)
    stdout.write(f"  demo accounts: {len(DEMO_USERS)} (password {DEMO_PASSWORD})")
