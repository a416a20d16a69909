"""Requests from data subjects: logged with the date their reply is due, handled by organisers.

The law (Luật 91/2025/QH15, in force since 01/01/2026) gives a person the rights to know, to
consent or withdraw consent, to see and correct their data, and to ask for it to be deleted; its
decree NĐ 356/2025/NĐ-CP asks the controller to respond within 02 working days of receiving a
request (/work/shared/content/brief.md, sources S36-S40, S67). Working days here are Monday to
Friday; public holidays are not counted out (no holiday calendar is kept), so a due date next
to a holiday is earlier than the law's, never later.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_log
from accounts.errors import DomainError
from accounts.models import DataRequest, DataRequestKind, User

REPLY_WORKING_DAYS = 2
_SATURDAY = 5


class DataRequestHandled(DomainError):
    code = "already_handled"
    status = 409
    default_message = _("This request has already been handled.")


def working_days_after(day: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `day`; `day` itself does not count."""
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < _SATURDAY:
            left -= 1
    return current


def reply_due_on(received_at: datetime) -> date:
    """When the reply to a request received at `received_at` is due (the commune's calendar day)."""
    return working_days_after(timezone.localdate(received_at), REPLY_WORKING_DAYS)


def data_request_open(*, user: User, kind: str, details: str, now: datetime | None = None) -> DataRequest:
    """A request only the commune can carry out (a phone number or village to correct, a copy on
    paper, a question): it waits in the organisers' queue until handled."""
    received = now or timezone.now()
    return DataRequest.objects.create(user=user, kind=DataRequestKind(kind), details=details.strip(),
                                      received_at=received, due_on=reply_due_on(received))


def data_request_record(*, user: User, kind: str, details: str = "", now: datetime | None = None) -> DataRequest:
    """A request the person carried out themselves on their "My data" page: received and handled
    in the same moment, kept so the commune can show every request and its reply."""
    received = now or timezone.now()
    return DataRequest.objects.create(
        user=user, kind=DataRequestKind(kind), details=details, received_at=received,
        due_on=reply_due_on(received), handled_at=received, self_service=True,
    )


@transaction.atomic
def data_request_handle(*, request: DataRequest, actor: User, note: str,
                        now: datetime | None = None) -> DataRequest:
    """An organiser says the request was answered and how. Once only; written to the audit log."""
    locked = DataRequest.objects.select_for_update().get(pk=request.pk)
    if locked.handled_at is not None:
        raise DataRequestHandled
    locked.handled_at = now or timezone.now()
    locked.handled_by = actor
    locked.note = note.strip()
    locked.save(update_fields=["handled_at", "handled_by", "note"])
    audit_log(
        actor=actor, action="data_request.handle", obj=locked,
        summary=f"{locked.kind} #{locked.pk} of user {locked.user_id}",
        data={"kind": locked.kind, "user": locked.user_id, "due_on": locked.due_on.isoformat(),
              "late": timezone.localdate(locked.handled_at) > locked.due_on, "note": locked.note},
    )
    return locked
