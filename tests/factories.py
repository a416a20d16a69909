"""Small make_* helpers with defaults (fixtures/ is demo data only)."""

from __future__ import annotations

import itertools

from accounts.models import Unit, UnitKind, User
from accounts.roles import Role, assign_role

PASSWORD = "Mat-khau-thu-nghiem-1"
_phones = itertools.count(1)


def next_phone() -> str:
    return f"09{next(_phones):08d}"


def make_unit(name: str = "Xã Thử Nghiệm", *, kind: str = UnitKind.COMMUNE, parent: Unit | None = None,
              headcount: int = 10) -> Unit:
    return Unit.objects.create(name=name, kind=kind, parent=parent, headcount=headcount)


def make_user(*, role: Role | str = Role.STAFF, unit: Unit | None = None, phone: str | None = None,
              full_name: str = "Nguyễn Văn Thử", **fields) -> User:
    if unit is None:
        unit = make_unit(f"Đơn vị {next_phone()}")
    user = User.objects.create_user(phone or next_phone(), PASSWORD, full_name=full_name, unit=unit, **fields)
    assign_role(user, role)
    return user
