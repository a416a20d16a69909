"""Assisted mode's pages (contests/assist.py): the officer picks a resident and starts the round
with them on this device, and ends the assistance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms_assist import PeopleSearchForm
from accounts.members import people_search
from accounts.ratelimit import client_fingerprint, client_ip
from accounts.roles import assisted_root, may_assist, people_assisted_by
from contests.assist import NotAssistable, assist_begin, assist_end, round_enter_assisted
from contests.views import _get_round_for_user
from quizzes.services.errors import QuizError

PEOPLE_SHOWN = 30


@login_required
@require_http_methods(["GET", "POST"])
def round_assist(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """GET: the residents this officer may help, to pick one. POST (resident): start or resume
    that resident's attempt on this device; the session then acts for them on that attempt."""
    if not may_assist(request.user):
        raise Http404
    round_ = _get_round_for_user(request, slug, number)
    if request.method == "POST":
        resident = people_assisted_by(request.user).filter(pk=_as_id(request.POST.get("resident"))).first()
        if resident is None:
            raise Http404
        try:
            attempt = round_enter_assisted(round_=round_, resident=resident, officer=request.user,
                                           client_ip=client_ip(request), fingerprint=client_fingerprint(request))
        except NotAssistable:
            raise Http404 from None
        except QuizError as exc:
            messages.error(request, f"{resident.full_name}: {exc.message}")
            return redirect("contests:round_assist", slug=slug, number=number)
        assist_begin(request, attempt=attempt, round_=round_)
        return redirect("quizzes:attempt_take", pk=attempt.pk)
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(request, "contests/round_assist.html", {
        "contest": round_.contest, "round": round_, "form": form, "is_open": round_.is_open(),
        "people": list(people_search(request.user, query)[:PEOPLE_SHOWN]), "limit": PEOPLE_SHOWN,
        "root": assisted_root(request.user),
    })


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def assist_stop(request: HttpRequest) -> HttpResponse:
    """End the assistance: this device is the officer's own again on every page."""
    ended = assist_end(request)
    if ended is None:
        return redirect("home")
    messages.success(request, _("You are no longer assisting %(name)s.") % {"name": ended.name})
    return redirect(reverse("contests:round_assist", args=[ended.contest, ended.round]))
