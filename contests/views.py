"""Contest pages: public pages (contest, leaderboards, winners, snapshot), a participant's path
(start, prediction at submit, result, why am I ranked here, my attempts) and organiser pages
(live participation, closing a round). Taking the attempt itself is the quiz engine's pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from math import ceil

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Unit
from accounts.ratelimit import client_fingerprint, client_ip
from accounts.roles import default_unit, is_organiser, managed_root
from contests.closing import open_flags, round_close_request
from contests.errors import FlagsUndecided, PredictionTooLate
from contests.forms import PredictionForm, RoundCloseForm, UnitFilterForm
from contests.manage_forms import ManageUnitFilterForm
from contests.models import QUIZ_ROUND, Contest, Prize, PrizeCategory, PrizeKind, Round, RoundClosing, Standing
from contests.poster import contest_poster_pdf
from contests.ranking import actual_figure
from contests.services import attempt_submit_with_prediction, round_enter
from contests.share_image import contest_share_png
from contests.sharing import share_links
from contests.standings import (
    leaderboard_rows,
    mmss,
    neighbours,
    overall_rows,
    rank_of,
    unit_rows,
)
from quizzes.models import Attempt, AttemptStatus
from quizzes.services.attempts import attempt_expire_if_overdue, attempts_left
from quizzes.services.errors import QuizError

LEADERBOARD_SIZE = 50
ASSISTED_SHOWN = 200
POLL_SECONDS = 15
# How often the participation page asks how far a round's close has got.
CLOSING_POLL_SECONDS = 3


# --- Access ------------------------------------------------------------------------------------


def _get_contest_for_user(request: HttpRequest, slug: str) -> Contest:
    """A published contest for everyone; a draft for organisers only (404 for anyone else)."""
    contest = get_object_or_404(Contest, slug=slug)
    if not contest.is_published and not is_organiser(request.user):
        raise Http404
    return contest


def _get_round_for_user(request: HttpRequest, slug: str, number: int) -> Round:
    contest = _get_contest_for_user(request, slug)
    round_ = get_object_or_404(Round.objects.select_related("quiz"), contest=contest, number=number)
    round_.contest = contest
    return round_


def _get_organised_round_for_user(request: HttpRequest, slug: str, number: int) -> Round:
    if not is_organiser(request.user):
        raise PermissionDenied
    return _get_round_for_user(request, slug, number)


def _get_contest_attempt_for_user(request: HttpRequest, pk: int) -> tuple[Attempt, Round]:
    """The person's own attempt at a contest round; anybody else's, or a non-contest attempt, is
    a 404 so attempt ids cannot be probed."""
    attempts = Attempt.objects.select_related("contest_prediction", *(f"quiz__{name}" for name in QUIZ_ROUND))
    attempt = get_object_or_404(attempts, pk=pk, user=request.user)
    round_ = Round.objects.for_quiz(attempt.quiz)
    if round_ is None:
        raise Http404
    return attempt_expire_if_overdue(attempt), round_


# --- Public pages ------------------------------------------------------------------------------


@require_GET
def contest_list(request: HttpRequest) -> HttpResponse:
    contests = Contest.objects.all() if is_organiser(request.user) else Contest.objects.published()
    return render(request, "contests/contest_list.html", {"contests": list(contests)})


def _current_round(rounds: list[Round]) -> Round | None:
    now = timezone.now()
    return next((r for r in rounds if r.is_open(now)), None) or next((r for r in rounds if r.opens_at > now), None)


@require_GET
def contest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_user(request, slug)
    rounds = list(contest.rounds.select_related("quiz").prefetch_related("quiz__draw_rules"))
    current = _current_round(rounds)
    now = timezone.now()
    share_url = request.build_absolute_uri(reverse("contests:contest_detail", args=[contest.slug]))
    return render(request, "contests/contest_detail.html", {
        "contest": contest,
        "rounds": rounds,
        "current": current,
        "current_is_open": current is not None and current.is_open(now),
        "share_url": share_url,
        "share_links": share_links(share_url),
        "share_image_url": request.build_absolute_uri(reverse("contests:share_image", args=[contest.slug])),
        "is_organiser": is_organiser(request.user),
    })


@require_GET
def contest_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The link preview's picture (og:image) that Zalo and Facebook fetch."""
    contest = _get_contest_for_user(request, slug)
    response = HttpResponse(contest_share_png(contest, site_name=_("Đông Trà Bồng commune")),
                            content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def round_start(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """GET: what is about to start (the page people land on after logging in). POST: start or
    resume the attempt, then the quiz engine's attempt pages take over."""
    round_ = _get_round_for_user(request, slug, number)
    if request.method == "POST":
        try:
            attempt = round_enter(round_=round_, user=request.user, client_ip=client_ip(request),
                                  fingerprint=client_fingerprint(request))
        except QuizError as exc:
            messages.error(request, exc.message)
            return redirect("contests:round_start", slug=slug, number=number)
        return redirect("quizzes:attempt_take", pk=attempt.pk)
    quiz = round_.quiz
    return render(request, "contests/round_start.html", {
        "contest": round_.contest, "round": round_, "quiz": quiz,
        "is_open": round_.is_open(),
        "time_limit_minutes": ceil(quiz.time_limit_seconds / 60),
        "attempts_left": attempts_left(quiz=quiz, user=request.user),
        "open_attempt": quiz.attempts.filter(user=request.user, status=AttemptStatus.OPEN).first(),
    })


def _prediction_question(round_: Round) -> str:
    return round_.contest.get_prediction_kind_display()


@require_http_methods(["GET", "POST"])
@login_required
def round_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The contest's submit page: the tie-break prediction, then the engine's submit."""
    attempt, round_ = _get_contest_attempt_for_user(request, pk)
    if not attempt.is_open and request.method == "GET":
        return redirect("contests:round_result", pk=attempt.pk)
    form = PredictionForm(request.POST or None, question=_prediction_question(round_))
    status = 200
    if request.method == "POST":
        status = 400
        # A closed attempt is refused whatever the form holds: its prediction would come after
        # its submit (the service says so, or takes a second post of the same form as the same).
        if form.is_valid() or not attempt.is_open:
            try:
                attempt_submit_with_prediction(attempt=attempt, round_=round_,
                                               prediction=form.cleaned_data.get("prediction"),
                                               key=form.cleaned_data.get("key", ""))
            except PredictionTooLate as exc:
                messages.error(request, exc.message)
                attempt, round_ = _get_contest_attempt_for_user(request, pk)
                return _result_page(request, attempt, round_, status=exc.status)
            except QuizError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return redirect("contests:round_result", pk=attempt.pk)
    unanswered = attempt.items.filter(selected=[]).count() if attempt.is_open else 0
    return render(request, "contests/round_submit.html", {
        "attempt": attempt, "round": round_, "contest": round_.contest, "form": form,
        "unanswered": unanswered, "submit_key": uuid.uuid4().hex, "seconds_left": attempt.seconds_left(),
    }, status=status)


@require_GET
@login_required
def round_result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt, round_ = _get_contest_attempt_for_user(request, pk)
    if attempt.is_open:
        return redirect("quizzes:attempt_take", pk=attempt.pk)
    return _result_page(request, attempt, round_)


def _result_page(request: HttpRequest, attempt: Attempt, round_: Round, *, status: int = 200) -> HttpResponse:
    standing = Standing.objects.filter(round=round_, user=request.user).first()
    return render(request, "contests/round_result.html", {
        "attempt": attempt, "round": round_, "contest": round_.contest, "standing": standing,
        "rank": rank_of(standing) if standing else None,
        "is_final": round_.is_final,
        "time_taken": mmss(attempt.duration_ms),
        "prediction": getattr(attempt, "contest_prediction", None),
        "counts": standing is not None and standing.attempt_id == attempt.pk,
        "can_start": round_.is_open() and attempts_left(quiz=attempt.quiz, user=request.user) != 0,
    }, status=status)


@dataclass(frozen=True)
class MyRound:
    round: Round
    standing: Standing | None
    rank: int | None
    attempts: list[Attempt]


@require_GET
@login_required
def my_attempts(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_user(request, slug)
    rounds = list(contest.rounds.all())
    quiz_ids = {q for r in rounds for q in (r.quiz_id, r.staff_quiz_id) if q}
    attempts = list(request.user.attempts.filter(quiz_id__in=quiz_ids).order_by("number"))
    standings = {s.round_id: s for s in Standing.objects.filter(round__in=rounds, user=request.user)}
    rows = []
    for r in rounds:
        mine = [a for a in attempts if a.quiz_id in (r.quiz_id, r.staff_quiz_id)]
        standing = standings.get(r.pk)
        if mine or standing:
            rows.append(MyRound(round=r, standing=standing, rank=rank_of(standing) if standing else None,
                                attempts=mine))
    return render(request, "contests/my_attempts.html", {"contest": contest, "rows": rows})


@require_GET
def leaderboard(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The top of a round; polled by htmx every POLL_SECONDS while provisional (one view, two
    renderings: the fragment alone for htmx)."""
    round_ = _get_round_for_user(request, slug, number)
    context = {
        "contest": round_.contest, "round": round_,
        "rows": leaderboard_rows(round_, limit=LEADERBOARD_SIZE,
                                 me=request.user.pk if request.user.is_authenticated else None),
        "poll_seconds": POLL_SECONDS, "updated_at": timezone.now(),
    }
    if request.htmx:
        return render(request, "contests/_leaderboard.html", context)
    return render(request, "contests/leaderboard.html", context)


@require_GET
def overall_leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _get_contest_for_user(request, slug)
    return render(request, "contests/overall.html", {
        "contest": contest,
        "rows": overall_rows(contest.pk, limit=LEADERBOARD_SIZE,
                             me=request.user.pk if request.user.is_authenticated else None),
    })


def _root_unit() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


@require_GET
def unit_leaderboard(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round_for_user(request, slug, number)
    form = UnitFilterForm(request.GET)
    parent = None
    if form.is_valid():
        parent = form.cleaned_data["parent"] or _root_unit()
    rows = unit_rows(round_, parent) if parent is not None else []
    return render(request, "contests/units.html", {
        "contest": round_.contest, "round": round_, "form": form, "parent": parent, "rows": rows,
    }, status=200 if form.is_valid() else 400)


@require_GET
@login_required
def why_ranked(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round_for_user(request, slug, number)
    standing = Standing.objects.filter(round=round_, user=request.user).first()
    return render(request, "contests/why.html", {
        "contest": round_.contest, "round": round_, "standing": standing,
        "rank": rank_of(standing) if standing else None,
        "time_taken": mmss(standing.duration_ms) if standing else "",
        "neighbours": neighbours(standing) if standing else [],
    })


@require_GET
def winners(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round_for_user(request, slug, number)
    prizes = list(Prize.objects.filter(round=round_).select_related("standing__user", "unit"))
    for prize in prizes:
        # First, second, third or consolation, by the counts the organiser set for each rank.
        prize.tier = round_.contest.prize_tier(prize.place) if prize.category == PrizeCategory.ALL else ""
    return render(request, "contests/winners.html", {
        "contest": round_.contest, "round": round_,
        "individual": [p for p in prizes if p.kind == PrizeKind.INDIVIDUAL],
        "units": [p for p in prizes if p.kind == PrizeKind.UNIT],
    })


@require_GET
def snapshot(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round_for_user(request, slug, number)
    if not round_.snapshot_name or not default_storage.exists(round_.snapshot_name):
        raise Http404
    response = FileResponse(default_storage.open(round_.snapshot_name, "rb"), as_attachment=True,
                            filename=round_.snapshot_name.rsplit("/", 1)[-1], content_type="text/csv; charset=utf-8")
    response["X-Content-SHA256"] = round_.snapshot_sha256
    return response


# --- Organiser pages ---------------------------------------------------------------------------


@require_GET
@login_required
def contest_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable A4 poster (PDF) with the contest's QR code, for organisers."""
    if not is_organiser(request.user):
        raise PermissionDenied
    contest = _get_contest_for_user(request, slug)
    response = HttpResponse(contest_poster_pdf(contest), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contest.slug}-poster.pdf"'
    return response


def _closing_context(round_: Round, form: RoundCloseForm | None = None) -> dict:
    """What the page's "Final ranking and prizes" part shows: the latest run of the close, the
    undecided flags the prizes wait for, and the button (or when it becomes available)."""
    return {
        "closing": RoundClosing.objects.filter(round=round_).first(),
        "closing_poll_seconds": CLOSING_POLL_SECONDS,
        "can_close": round_.can_be_closed(),
        "undecided_flags": list(open_flags(round_)),
        "form": form or RoundCloseForm(),
    }


@require_GET
@login_required
def participation(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Live participation per unit and per hour, and closing the round (organisers)."""
    round_ = _get_organised_round_for_user(request, slug, number)
    return _participation_page(request, round_, RoundCloseForm())


def _participation_page(request: HttpRequest, round_: Round, form: RoundCloseForm, status: int = 200) -> HttpResponse:
    # Opens on the organiser's own commune; the filter widens to anything they may see.
    unit_form = ManageUnitFilterForm(request.GET or None, root=managed_root(request.user))
    root = default_unit(request.user)
    if unit_form.is_bound and unit_form.is_valid() and unit_form.cleaned_data["unit"] is not None:
        root = unit_form.cleaned_data["unit"]
    per_hour = list(
        Standing.objects.filter(round=round_).annotate(hour=TruncHour("submitted_at")).order_by("hour")
        .values("hour").annotate(people=Count("pk"))
    )
    assisted = list(Attempt.objects.filter(quiz_id__in=[q for q in (round_.quiz_id, round_.staff_quiz_id) if q],
                                           assisted_by__isnull=False)
                    .select_related("user", "assisted_by", "unit").order_by("-started_at")[:ASSISTED_SHOWN])
    return render(request, "contests/participation.html", {
        "contest": round_.contest, "round": round_,
        "rows": unit_rows(round_, root) if root else [],
        "unit_form": unit_form, "root": root,
        "per_hour": per_hour,
        "participants": Standing.objects.filter(round=round_).count(),
        "figure_now": actual_figure(round_),
        # Assisted mode: attempts a village officer took with a resident, shown as such (one query).
        "assisted": assisted,
        "assisted_limit": ASSISTED_SHOWN,
        **_closing_context(round_, form),
    }, status=status)


@require_POST
@login_required
def close_round(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Queue the round's close and come back to the participation page at once, where its
    progress shows; the task queue's worker computes it (contests/closing.py)."""
    round_ = _get_organised_round_for_user(request, slug, number)
    form = RoundCloseForm(request.POST)
    if not form.is_valid():
        return _participation_page(request, round_, form, status=400)
    try:
        round_close_request(round_=round_, actor=request.user,
                            override_reason=form.cleaned_data["override_reason"])
    except FlagsUndecided as exc:
        form.add_error("override_reason", exc.message)
        return _participation_page(request, round_, form, status=exc.status)
    except QuizError as exc:
        messages.error(request, exc.message)
        return redirect("contests:participation", slug=slug, number=number)
    messages.success(request, _("The close of %(round)s is queued: its progress shows below.") % {
        "round": round_.label})
    return redirect(reverse("contests:participation", args=[slug, number]) + "#closing")


@require_GET
@login_required
def closing_progress(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """How far the round's close has got: the fragment the participation page polls (htmx);
    without htmx, the participation page itself."""
    round_ = _get_organised_round_for_user(request, slug, number)
    if not request.htmx:
        return redirect(reverse("contests:participation", args=[slug, number]) + "#closing")
    return render(request, "contests/_closing.html", {"contest": round_.contest, "round": round_,
                                                      **_closing_context(round_)})
