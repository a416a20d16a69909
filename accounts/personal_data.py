"""Everything the platform stores about one person, as one JSON-ready dict.

Each app that keeps personal data registers a section here, usually in its AppConfig.ready():

    from accounts.personal_data import register_section

    @register_section("quiz_attempts")
    def attempts(user):
        return [{"quiz": a.quiz.title, "score": a.score, ...} for a in user.attempts.all()]

A section returns plain JSON values (str, int, float, bool, None, lists, dicts); dates as ISO
strings. The "My data" download is the union of all sections, so a new app cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import Unit, User

Section = Callable[[User], Any]

_sections: dict[str, Section] = {}


def register_section(name: str) -> Callable[[Section], Section]:
    def decorator(func: Section) -> Section:
        if name in _sections and _sections[name] is not func:
            raise ValueError(f"A personal data section named {name!r} is already registered.")
        _sections[name] = func
        return func

    return decorator


def section_names() -> list[str]:
    return list(_sections)


def personal_data_export(*, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat()}
    for name, section in _sections.items():
        data[name] = section(user)
    return data


@register_section("account")
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


@register_section("consents")
def _consents(user: User) -> list[dict[str, Any]]:
    return [
        {"purposes": record.purposes, "text_version": record.text_version, "given_at": record.given_at.isoformat()}
        for record in user.consents.order_by("given_at", "pk")
    ]


def _unit_path(user: User) -> list[str]:
    """Names from the root down to the person's unit, so the export reads without our database."""
    if not user.unit_id:
        return []
    ids = [int(part) for part in user.unit.path.split("/") if part]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids if pk in names]
