"""The organiser's contest pages (/contests/manage/…): create and edit a contest, its questions
per topic, rounds and prizes, publish it, see its poster and link preview. Organisers only
(accounts/roles.py); anyone else gets a 404, so the pages' existence is not advertised. Every
change goes through contests/authoring.py, which writes the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_organiser, organiser_required
from contests.authoring import (
    contest_counts,
    contest_prizes_save,
    contest_publish,
    contest_save,
    contest_unpublish,
    round_has_attempts,
    round_update,
    rounds_generate,
)
from contests.manage_forms import ContestForm, PrizesForm, RoundForm, RoundsGenerateForm
from contests.models import Contest, Round
from quizzes.services.errors import QuizError


def _get_contest_for_organiser(request: HttpRequest, slug: str) -> Contest:
    if not is_organiser(request.user):
        raise Http404
    return get_object_or_404(Contest, slug=slug)


def _get_round_for_organiser(request: HttpRequest, slug: str, number: int) -> Round:
    contest = _get_contest_for_organiser(request, slug)
    round_ = get_object_or_404(Round.objects.select_related("quiz", "staff_quiz"), contest=contest, number=number)
    round_.contest = contest
    return round_


@require_GET
@organiser_required
def contest_list(request: HttpRequest) -> HttpResponse:
    contests = list(Contest.objects.prefetch_related("rounds"))
    return render(request, "contests/manage/contest_list.html", {"contests": contests})


def _contest_form_page(request: HttpRequest, *, contest: Contest | None) -> HttpResponse:
    """Create and edit share one page. Three buttons post it: save; preview the rules (htmx
    swaps the preview in; without JavaScript the page comes back with it); recount the
    questions available per topic (htmx on a change of audience or count). Only save saves."""
    # A fresh copy: a form with errors writes its values onto its instance, and the page's
    # heading must keep the saved title.
    instance = Contest.objects.get(pk=contest.pk) if contest else Contest()
    counts = contest_counts(instance)
    status = 200  # a preview or a recount is no failed save, even with errors shown
    preview = None
    if request.method == "POST":
        form = ContestForm(request.POST, instance=instance, counts=counts)
        if "preview" in request.POST:
            preview = {"rules": request.POST.get("rules", "")}
            if request.htmx:
                return render(request, "contests/manage/_rules_preview.html", {"preview": preview})
        elif "refresh" in request.POST:
            form.is_valid()
            if request.htmx:
                return render(request, "contests/manage/_draw_pools.html", {"form": form})
        elif form.is_valid():
            try:
                saved = contest_save(actor=request.user, contest=form.save(commit=False), counts=form.counts)
            except QuizError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("The contest was saved."))
                return redirect("contests:manage_contest", slug=saved.slug)
        else:
            status = 400
    else:
        form = ContestForm(instance=instance, counts=counts)
        if contest is not None:
            preview = {"rules": contest.rules}
    return render(request, "contests/manage/contest_form.html", {
        "contest": contest, "form": form, "preview": preview,
    }, status=status)


@require_http_methods(["GET", "POST"])
@organiser_required
def contest_create(request: HttpRequest) -> HttpResponse:
    return _contest_form_page(request, contest=None)


@require_http_methods(["GET", "POST"])
@organiser_required
def contest_edit(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_organiser(request, slug)
    return _contest_form_page(request, contest=contest)


@require_GET
@organiser_required
def contest_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The contest's page for organisers: settings at a glance, rounds, prizes, publishing, the
    poster and the link preview as Zalo or Facebook will show it."""
    contest = _get_contest_for_organiser(request, slug)
    rounds = list(contest.rounds.select_related("quiz", "staff_quiz"))
    share_url = request.build_absolute_uri(reverse("contests:contest_detail", args=[contest.slug]))
    return render(request, "contests/manage/contest_manage.html", {
        "contest": contest, "rounds": rounds,
        "draw_rules": list(contest.draw_rules.select_related("topic")),
        "questions_per_round": sum(r.count for r in contest.draw_rules.all()),
        "share_url": share_url,
        "share_host": request.get_host(),
    })


@require_POST
@organiser_required
def contest_publish_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_organiser(request, slug)
    try:
        if request.POST.get("action") == "unpublish":
            contest_unpublish(actor=request.user, contest=contest)
            messages.success(request, _("The contest is back to draft: only organisers can see it."))
        else:
            contest_publish(actor=request.user, contest=contest)
            messages.success(request, _("The contest is published: anyone with the link can see it."))
    except QuizError as exc:
        messages.error(request, exc.message)
    return redirect("contests:manage_contest", slug=contest.slug)


@require_http_methods(["GET", "POST"])
@organiser_required
def contest_prizes(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_organiser(request, slug)
    form = PrizesForm(request.POST or None, instance=contest)
    if request.method == "POST":
        if form.is_valid():
            contest_prizes_save(actor=request.user, contest=form.save(commit=False))
            messages.success(request, _("The prizes were saved."))
            return redirect("contests:manage_contest", slug=contest.slug)
        contest.refresh_from_db()
    return render(request, "contests/manage/prizes_form.html", {"contest": contest, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@organiser_required
def contest_rounds_generate(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_organiser(request, slug)
    form = RoundsGenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = rounds_generate(actor=request.user, contest=contest, start=form.cleaned_data["start"],
                                   count=form.cleaned_data["count"])
        except QuizError as exc:
            form.add_error("start", exc.message)
        else:
            messages.success(request, _("%(count)s weekly rounds were added.") % {"count": len(made)})
            return redirect("contests:manage_contest", slug=contest.slug)
    return render(request, "contests/manage/rounds_generate.html", {"contest": contest, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@organiser_required
def round_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round_for_organiser(request, slug, number)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(actor=request.user, round_=form.save(commit=False))
        except QuizError as exc:
            form.add_error("closes_at", exc.message)
        else:
            messages.success(request, _("%(round)s was saved.") % {"round": round_.label})
            return redirect("contests:manage_contest", slug=slug)
    if form.is_bound and form.errors:
        round_.refresh_from_db()
    return render(request, "contests/manage/round_form.html", {
        "contest": round_.contest, "round": round_, "form": form, "has_attempts": round_has_attempts(round_),
    }, status=400 if form.is_bound and form.errors else 200)
