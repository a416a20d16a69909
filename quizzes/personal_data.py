"""What the quiz engine keeps about a person, for the "My data" download (a receiver of
accounts.signals.personal_data), and what it erases when the person deletes their account: the
network address and browser fingerprint recorded at each start. The attempts themselves stay
(anonymous) so that unit and contest figures remain true. Both receivers are connected in
QuizzesConfig.ready()."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from quizzes.models import Attempt


def quiz_personal_data(sender, user: User, **kwargs) -> dict[str, Any]:
    return {"quiz_attempts": _attempts(user)}


def _attempts(user: User) -> list[dict[str, Any]]:
    attempts = (Attempt.objects.filter(user=user).select_related("quiz", "assisted_by").prefetch_related("items")
                .order_by("started_at", "pk"))
    return [
        {
            "id": attempt.pk, "quiz": attempt.quiz.title, "number": attempt.number, "status": attempt.status,
            "started_at": attempt.started_at.isoformat(),
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
            "score": attempt.score, "questions": attempt.max_score, "duration_ms": attempt.duration_ms,
            "client_ip": attempt.client_ip, "client_fingerprint": attempt.client_fingerprint,
            # Assisted mode: who took the attempt with the person, on their own device.
            "assisted_by": attempt.assisted_by.full_name if attempt.assisted_by_id else None,
            # What the person chose, never which choice is right: the download is available while
            # an attempt is open and before the quiz's review policy shows the answers.
            "answers": [
                {"position": item.position, "question": item.text,
                 "chosen": [c["text"] for c in item.choices if c["id"] in set(item.selected)],
                 "answered_at": item.answered_at.isoformat() if item.answered_at else None}
                for item in attempt.items.all()
            ],
        }
        for attempt in attempts
    ]


def erase_attempt_origins(sender, instance: User, **kwargs) -> None:
    """post_save of a User: once anonymised, their attempts forget where they were made from."""
    if instance.anonymised_at is not None:
        Attempt.objects.filter(user=instance).exclude(client_ip=None, client_fingerprint="").update(
            client_ip=None, client_fingerprint="")
