"""Everything the platform stores about one person, as one JSON-ready dict.

Accounts' own sections (the account, the consents) are written here; every other app that keeps
personal data answers accounts.signals.personal_data with its sections, from a receiver
connected in its AppConfig.ready(). The "My data" download is the union of all sections, so a new
app cannot leave its data out of it. A section holds plain JSON values (str, int, float, bool,
None, lists, dicts), dates as ISO strings.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import Unit, User
from accounts.signals import personal_data


def personal_data_export(*, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat(), "account": _account(user),
                            "consents": _consents(user)}
    for receiver, sections in personal_data.send(sender=User, user=user):
        for name, section in (sections or {}).items():
            if name in data:
                raise ValueError(f"Two apps give a personal data section named {name!r} ({receiver!r}).")
            data[name] = section
    return data


def _account(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "birth_year": user.birth_year,
        "phone": user.phone,
        "email": user.email,
        "unit": user.unit.name if user.unit_id else None,
        "unit_path": _unit_path(user),
        "position": user.position,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "show_on_leaderboard": user.show_on_leaderboard,
        "receive_notifications": user.receive_notifications,
    }


def _consents(user: User) -> list[dict[str, Any]]:
    return [
        {"purposes": record.purposes, "text_version": record.text_version, "given_at": record.given_at.isoformat(),
         "given_in_person_to": record.recorded_by_name}
        for record in user.consents.order_by("given_at", "pk")
    ]


def _unit_path(user: User) -> list[str]:
    """Names from the root down to the person's unit, so the export reads without our database."""
    if not user.unit_id:
        return []
    ids = [int(part) for part in user.unit.path.split("/") if part]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids if pk in names]
