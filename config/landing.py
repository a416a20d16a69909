"""Where a person lands after logging in (LOGIN_REDIRECT_URL), when no safe ?next= says where.

In config because it knows every app: accounts, at the bottom, cannot ask training or contests.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import is_staff_member
from contests.models import ContestAudience, Round


def open_round_for_residents() -> Round | None:
    """The round residents can take now: published, open, for residents; the one closing first
    when several contests run at once."""
    now = timezone.now()
    return (
        Round.objects.select_related("contest")
        .filter(contest__is_published=True, opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True)
        .filter(Q(contest__audience=ContestAudience.RESIDENTS) | Q(contest__audience=ContestAudience.BOTH))
        .order_by("closes_at", "pk")
        .first()
    )


@require_GET
@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Staff to their to-do list ("Việc cần làm"); residents to the open round's start page, or
    home when no round is open."""
    if request.user.is_staff or is_staff_member(request.user):
        return redirect("training:module_list")
    round_ = open_round_for_residents()
    if round_ is not None:
        return redirect("contests:round_start", slug=round_.contest.slug, number=round_.number)
    return redirect("home")
