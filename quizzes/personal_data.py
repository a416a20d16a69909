"""What the quiz engine keeps about a person, for the "My data" download (accounts.personal_data),
and what it erases when the person deletes their account: the network address and browser
fingerprint recorded at each start. The attempts themselves stay (anonymous) so that unit and
contest figures remain true."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from accounts.models import User
from accounts.personal_data import register_section
from quizzes.models import Attempt


def quiz_personal_data(user: User) -> list[dict[str, Any]]:
    attempts = (Attempt.objects.filter(user=user).select_related("quiz", "contest_prediction")
                .prefetch_related("items").order_by("started_at", "pk"))
    return [
        {
            "id": attempt.pk, "quiz": attempt.quiz.title, "number": attempt.number, "status": attempt.status,
            "started_at": attempt.started_at.isoformat(),
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
            "score": attempt.score, "questions": attempt.max_score, "duration_ms": attempt.duration_ms,
            "client_ip": attempt.client_ip, "client_fingerprint": attempt.client_fingerprint,
            "contest_prediction": getattr(getattr(attempt, "contest_prediction", None), "value", None),
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


def _erase_attempt_origins(sender, instance: User, **kwargs) -> None:
    if instance.anonymised_at is not None:
        Attempt.objects.filter(user=instance).exclude(client_ip=None, client_fingerprint="").update(
            client_ip=None, client_fingerprint="")


_registered = False


def register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    register_section("quiz_attempts")(quiz_personal_data)
    post_save.connect(_erase_attempt_origins, sender=User, dispatch_uid="quizzes.erase_attempt_origins")
