"""The organisers' review queue of suspicion flags: filter, confirm or clear with a reason,
and compute a round's flags on demand (round_close computes them too)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_log
from accounts.roles import is_organiser
from contests.forms import FlagDecisionForm, FlagFilterForm
from contests.models import Round, SuspicionFlag, SuspicionKind
from contests.standings import mmss
from contests.suspicion import flag_decide, round_flags_compute

QUEUE_SIZE = 200


def _require_organiser(request: HttpRequest) -> None:
    if not is_organiser(request.user):
        raise PermissionDenied


def _get_flag_for_user(request: HttpRequest, pk: int) -> SuspicionFlag:
    _require_organiser(request)
    return get_object_or_404(
        SuspicionFlag.objects.select_related("round__contest", "user__unit", "decided_by", "attempt__assisted_by"),
        pk=pk)


def _get_round_for_organiser(request: HttpRequest, pk: int) -> Round:
    _require_organiser(request)
    return get_object_or_404(Round.objects.select_related("contest"), pk=pk)


def describe(flag: SuspicionFlag) -> str:
    """What the detector saw, in words an organiser can check against the attempt."""
    details = flag.details or {}
    if flag.kind == SuspicionKind.FAST_PERFECT:
        return _("Every question right in %(time)s; flagged under %(limit)s.") % {
            "time": mmss(details.get("duration_ms")), "limit": mmss(details.get("threshold_ms"))}
    if flag.kind == SuspicionKind.SHARED_DEVICE:
        return _("%(accounts)s accounts from the address %(ip)s with the same browser.") % {
            "accounts": details.get("accounts"), "ip": details.get("client_ip")}
    others = ", ".join(f"#{n}" for n in details.get("same_as_attempts", []))
    return _("Same answers as attempt(s) %(others)s, each answered within %(seconds)s s of theirs.") % {
        "others": others, "seconds": details.get("tolerance_s")}


@require_GET
@login_required
def flag_queue(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    form = FlagFilterForm(request.GET or None)
    flags: list[SuspicionFlag] = []
    valid = not form.is_bound or form.is_valid()
    if valid:
        data = form.cleaned_data if form.is_bound else {}
        queryset = SuspicionFlag.objects.select_related("round__contest", "user__unit", "decided_by",
                                                        "attempt__assisted_by")
        if data.get("round"):
            queryset = queryset.filter(round=data["round"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        flags = list(queryset.order_by("round_id", "user_id", "kind", "id")[:QUEUE_SIZE])
        for flag in flags:
            flag.description = describe(flag)
    return render(request, "contests/flags.html", {
        "form": form, "flags": flags, "limit": QUEUE_SIZE, "decision_form": FlagDecisionForm(),
    }, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
@login_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One flag with its decision form (the queue posts here; errors re-render this page)."""
    flag = _get_flag_for_user(request, pk)
    form = FlagDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == FlagDecisionForm.CONFIRM
        flag = flag_decide(flag=flag, actor=request.user, confirm=confirm, reason=form.cleaned_data["reason"])
        messages.success(request, _("Decision recorded: %(status)s.") % {"status": flag.get_status_display()})
        if flag.round.is_final:
            messages.info(request, _("The prize list of this round was computed again."))
        return redirect(f"{reverse('contests:flag_queue')}?round={flag.round_id}")
    flag.description = describe(flag)
    return render(request, "contests/flag_detail.html", {"flag": flag, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
@login_required
def flags_compute(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round_for_organiser(request, pk)
    counts = round_flags_compute(round_=round_)
    # Computing adds flags and drops open ones no longer found: an organiser change (issue 6).
    audit_log(actor=request.user, action="flag.compute", obj=round_, summary=f"{round_}"[:200],
              data={"open_flags": counts})
    messages.success(request, _("Suspicion flags computed for %(round)s: %(open)s to review.") % {
        "round": round_.label, "open": sum(counts.values())})
    return redirect(f"{reverse('contests:flag_queue')}?round={round_.pk}")
