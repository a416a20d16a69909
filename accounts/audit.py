from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import AuditEntry, User


def audit_log(*, actor: User | None, action: str, obj: models.Model | None = None,
              summary: str = "", data: dict[str, Any] | None = None) -> AuditEntry:
    """Record an organiser action: who, what, on which object; `data` holds before/after."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
    )
