"""make_* helpers for the people who act for residents in person (village officers)."""

from __future__ import annotations

from accounts.models import Unit
from accounts.roles import Role, assign_role
from tests.factories import make_user


def make_officer(village: Unit, *, full_name: str = "Hồ Văn Trưởng Thôn", **fields):
    """A village officer (trưởng thôn), who is also a resident of the village, as in the demo."""
    officer = make_user(role=Role.VILLAGE_OFFICER, unit=village, full_name=full_name, birth_year=1970, **fields)
    assign_role(officer, Role.RESIDENT)
    return officer
