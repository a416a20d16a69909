"""Assisted mode: a village officer takes a contest round with a resident, on the officer's own
device (a village hall, the commune office), for someone without a phone or the skills.

- The officer picks a resident they may act for (accounts.roles.people_assisted_by) and starts
  the round for them (`round_enter_assisted`): the attempt is the resident's, marked
  `Attempt.assisted_by` = the officer, and the start is in the audit log.
- The officer's session then acts for that resident **for that attempt only**: the
  `AssistedAttemptMiddleware` makes the resident the request's user on the attempt's own pages
  (the engine's attempt pages and the contest's submit and result pages, for that attempt's id)
  and nowhere else; every other page is the officer's own. Every page shows the banner
  "Đang hỗ trợ: …" (templates/base.html reads `request.assisting`) until the officer ends it.
- What it changes elsewhere: the shared-device flag ignores assisted attempts (suspicion.py),
  the contest says whether they may win prizes (ranking.py), organisers see them on the
  participation page, in the flags queue and in the results export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.audit import audit_log
from accounts.models import User
from accounts.roles import can_act_for, may_assist
from contests.models import Round
from contests.services import round_enter
from quizzes.models import Attempt

SESSION_KEY = "assisting"

# The pages of one attempt, each with the attempt's id as `pk`: only these act for the resident.
ATTEMPT_VIEWS = frozenset({
    "quizzes:attempt_take", "quizzes:attempt_answer", "quizzes:attempt_review", "quizzes:attempt_submit",
    "quizzes:attempt_result",
    "contests:round_submit", "contests:round_result",
})


class NotAssistable(Exception):
    """The officer may not act for this person: the page answers 404."""


@dataclass(frozen=True)
class Assisting:
    """What the session remembers while an officer assists someone."""

    attempt: int
    resident: int
    officer: int
    name: str
    contest: str
    round: int

    @classmethod
    def of(cls, data) -> Assisting | None:
        try:
            return cls(**data)
        except TypeError:
            return None


def round_enter_assisted(*, round_: Round, resident: User, officer: User, client_ip: str | None = None,
                         fingerprint: str = "", now: datetime | None = None) -> Attempt:
    """Start (or resume) `resident`'s attempt at the round, taken with `officer` on the officer's
    device. The contest's and the engine's rules apply to the resident as to anyone (audience,
    age, attempts, the round's window); an attempt the resident has open on their own phone is
    never taken over (AttemptOpenElsewhere)."""
    if not can_act_for(officer, resident):
        raise NotAssistable()
    attempt = round_enter(round_=round_, user=resident, client_ip=client_ip, fingerprint=fingerprint, now=now,
                          assisted_by=officer)
    audit_log(actor=officer, action="attempt.assisted_start", obj=attempt,
              summary=f"{round_} — assisted attempt #{attempt.pk}",
              data={"resident": resident.pk, "round": round_.pk, "attempt": attempt.pk})
    return attempt


def assist_begin(request: HttpRequest, *, attempt: Attempt, round_: Round) -> None:
    request.session[SESSION_KEY] = {
        "attempt": attempt.pk, "resident": attempt.user_id, "officer": request.user.pk,
        "name": attempt.user.full_name, "contest": round_.contest.slug, "round": round_.number,
    }


def assist_end(request: HttpRequest) -> Assisting | None:
    return Assisting.of(request.session.pop(SESSION_KEY, None) or {})


def assisting(request: HttpRequest) -> Assisting | None:
    """The assistance this session is in, if any (read from the session only when asked)."""
    data = request.session.get(SESSION_KEY)
    return Assisting.of(data) if data else None


class AssistedAttemptMiddleware:
    """On the pages of the assisted attempt, the request's user is the resident; elsewhere it
    stays the officer. Sets `request.assisting` (lazy: a page that never shows it reads nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.assisting = SimpleLazyObject(lambda: assisting(request))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in ATTEMPT_VIEWS:
            return None
        current = assisting(request)
        if current is None or str(view_kwargs.get("pk")) != str(current.attempt):
            return None
        if not request.user.is_authenticated or request.user.pk != current.officer or not may_assist(request.user):
            return None
        # Checked again on every request: the officer still assists (role), the attempt is still
        # this resident's, taken with this officer, and the resident's account still active.
        resident = (User.objects.active().filter(pk=current.resident, attempts__pk=current.attempt,
                                                 attempts__assisted_by_id=current.officer).first())
        if resident is not None:
            request.user = resident
            request.acting_for_resident = True
        return None
