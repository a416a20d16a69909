"""Taking a quiz in the browser: the quiz's page, the attempt (paged, autosaved), the review
before submitting, the submit, the result with its review, and a person's list of attempts.

Every page works without JavaScript: every button of the attempt page (save, next, previous, a
page's number, review, submit) posts the page's form, which saves that page's answers before
going on; htmx only adds the per-answer autosave. Nothing served while an attempt is open says which
choice is right: templates get the choices' texts and positions, never the snapshot's flags.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from math import ceil

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.ratelimit import client_fingerprint, client_ip
from quizzes.access import quiz_available_to
from quizzes.forms.attempts import AttemptPageForm, AutosaveForm, PageNumberForm, SubmitForm, answer_field_name
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, QuestionType, Quiz, ReviewPolicy
from quizzes.services.attempts import (
    AttemptNotFound,
    attempt_expire_if_overdue,
    attempt_save_answer,
    attempt_save_page,
    attempt_start,
    attempt_submit,
    attempts_left,
    can_review,
    review_withheld,
    withheld_ids,
)
from quizzes.services.errors import InvalidAnswer, QuizError
from quizzes.signals import attempt_result_page, attempt_submit_page, first_answer

# A short quiz fits on one phone screen's worth of scrolling; longer ones are paged so that a
# plain form post (no JavaScript) never carries more than a few answers.
ONE_PAGE_MAX = 10
PAGE_SIZE = 5


# --- Access ------------------------------------------------------------------------------------


def _get_quiz_for_user(request: HttpRequest, slug: str) -> Quiz:
    quiz = get_object_or_404(Quiz, slug=slug)
    if not quiz_available_to(quiz, request.user):
        raise Http404
    return quiz


def _get_attempt_for_user(request: HttpRequest, pk: int) -> Attempt:
    """The person's own attempt, closed first if it is past its deadline and grace. Anybody
    else's is a 404 (never a 403), so attempt ids cannot be probed."""
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)
    return attempt_expire_if_overdue(attempt)


# --- Helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownChoice:
    position: int
    text: str
    checked: bool


@dataclass(frozen=True)
class ShownQuestion:
    """What the attempt page may know of a question: no flag, no explanation."""

    pk: int
    position: int
    text: str
    multiple: bool
    field_name: str
    choices: list[ShownChoice]
    answered_at: object
    errors: list[str]


def _shown(item: AttemptQuestion, form: AttemptPageForm | None = None) -> ShownQuestion:
    selected = set(item.selected)
    choices = [
        ShownChoice(position=n, text=choice["text"], checked=choice["id"] in selected)
        for n, choice in enumerate(item.public_choices(), start=1)
    ]
    return ShownQuestion(
        pk=item.pk, position=item.position, text=item.text, multiple=item.type == QuestionType.MULTIPLE,
        field_name=answer_field_name(item), choices=choices, answered_at=item.answered_at if selected else None,
        errors=list(form.errors.get(answer_field_name(item), [])) if form is not None and form.is_bound else [],
    )


def _page_count(total: int) -> int:
    return 1 if total <= ONE_PAGE_MAX else ceil(total / PAGE_SIZE)


def _page_of(position: int, total: int) -> int:
    return 1 if total <= ONE_PAGE_MAX else (position - 1) // PAGE_SIZE + 1


def _page_items(items: list[AttemptQuestion], page: int) -> list[AttemptQuestion]:
    if len(items) <= ONE_PAGE_MAX:
        return items
    return items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]


def _attempt_url(attempt: Attempt, page: int = 1) -> str:
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    return f"{url}?page={page}" if page > 1 else url


def _mmss(milliseconds: int | None) -> str:
    seconds = (milliseconds or 0) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _question_count(quiz: Quiz) -> int:
    fixed = quiz.fixed_questions.count()
    return fixed or sum(rule.count for rule in quiz.draw_rules.all())


def _result_url(attempt: Attempt) -> str:
    """Where a person goes once the attempt is closed (countdown at zero, deadline passed, a late
    save or submit): an app's own result page if a receiver of attempt_result_page names one (a
    contest round's: score, provisional rank, the prediction still to give), else the engine's
    review page."""
    return first_answer(attempt_result_page, attempt=attempt) or reverse("quizzes:attempt_result", args=[attempt.pk])


def _closed_redirect(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    if attempt.status == AttemptStatus.EXPIRED:
        messages.warning(request, _("Time is up: your attempt was closed with the answers you had saved."))
    return redirect(_result_url(attempt))


# --- The quiz's page ---------------------------------------------------------------------------


@require_GET
@login_required
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz_for_user(request, slug)
    open_attempt = quiz.attempts.filter(user=request.user, status=AttemptStatus.OPEN).first()
    if open_attempt is not None:
        open_attempt = attempt_expire_if_overdue(open_attempt)
        if not open_attempt.is_open:
            open_attempt = None
    left = attempts_left(quiz=quiz, user=request.user)
    return render(request, "quizzes/attempt_landing.html", {
        "quiz": quiz,
        "question_count": _question_count(quiz),
        "time_limit_minutes": ceil(quiz.time_limit_seconds / 60),
        "attempts_left": left,
        "open_attempt": open_attempt,
        "is_open": quiz.is_open(),
        "can_start": quiz.is_open() and (left is None or left > 0),
        "has_attempts": quiz.attempts.filter(user=request.user).exists(),
    })


@require_POST
@login_required
def attempt_begin(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz_for_user(request, slug)
    try:
        attempt = attempt_start(quiz=quiz, user=request.user, client_ip=client_ip(request),
                                fingerprint=client_fingerprint(request))
    except QuizError as exc:
        messages.error(request, exc.message)
        return redirect("quizzes:quiz_detail", slug=quiz.slug)
    return redirect("quizzes:attempt_take", pk=attempt.pk)


# --- Taking the attempt ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    if not attempt.is_open:
        return _closed_redirect(request, attempt)
    items = list(attempt.items.all())
    pages = _page_count(len(items))
    page = min(PageNumberForm(request.GET).page_or_default(), pages)
    page_items = _page_items(items, page)
    form = AttemptPageForm(page_items, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attempt_save_page(attempt=attempt, items=page_items, answers=form.answers())
            except QuizError as exc:
                attempt = attempt_expire_if_overdue(attempt)
                if not attempt.is_open:
                    messages.error(request, exc.message)
                    return redirect(_result_url(attempt))
                form.add_error(None, exc.message)
                status = 400
            else:
                return _after_page_saved(request, attempt, form.cleaned_data, page, pages)
        else:
            status = 400
    return render(request, "quizzes/attempt_take.html", {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "form": form,
        "questions": [_shown(item, form) for item in page_items],
        "page": page,
        "pages": pages,
        "page_numbers": range(1, pages + 1),
        "total": len(items),
        "answered": sum(1 for item in items if item.selected),
        # The answered counter follows each autosave in the browser (autosave.js): it adds this
        # page's answered questions to those of the other pages.
        "answered_elsewhere": sum(1 for item in items if item.selected and item not in page_items),
        "seconds_left": attempt.seconds_left(),
        "submit_key": uuid.uuid4().hex,
    }, status=status)


def _after_page_saved(request: HttpRequest, attempt: Attempt, data: dict, page: int, pages: int) -> HttpResponse:
    """Where the button pressed leads, once the page's answers are saved."""
    action = data["action"]
    if action == AttemptPageForm.TIMEOUT:
        # The countdown reached zero: what was just saved is submitted without asking.
        attempt_submit(attempt=attempt, key=data["key"])
        messages.info(request, _("Time is up: your attempt was submitted."))
        return redirect(_result_url(attempt))
    if data.get("goto"):
        return redirect(_attempt_url(attempt, min(data["goto"], pages)))
    if action == AttemptPageForm.SAVE:
        messages.success(request, _("Your answers on this page are saved (%(time)s).") % {
            "time": timezone.localtime().strftime("%H:%M:%S")})
        return redirect(_attempt_url(attempt, page))
    if action == AttemptPageForm.PREVIOUS:
        return redirect(_attempt_url(attempt, max(1, page - 1)))
    if action == AttemptPageForm.REVIEW:
        return redirect("quizzes:attempt_review", pk=attempt.pk)
    if action == AttemptPageForm.SUBMIT or page >= pages:
        return redirect("quizzes:attempt_submit", pk=attempt.pk)
    return redirect(_attempt_url(attempt, page + 1))


@require_POST
@login_required
def attempt_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave of one answer (htmx posts each change). An htmx request gets the small
    "saved at" fragment; any other request is sent back to the attempt page.

    The busiest request people make: the service reads the item with its attempt (whose is it,
    is it open) and writes the answer, nothing more. Only a refusal reads the attempt again."""
    form = AutosaveForm(request.POST)
    item: AttemptQuestion | None = None
    error, status = "", 200
    try:
        if not form.is_valid():
            raise InvalidAnswer(next(iter(form.errors.values()))[0])
        item = attempt_save_answer(attempt_id=pk, user=request.user, item_id=form.cleaned_data["item"],
                                   positions=form.positions())
        attempt = item.attempt
    except AttemptNotFound:
        raise Http404 from None
    except QuizError as exc:
        error, status = exc.message, exc.status
        item = None
        attempt = _get_attempt_for_user(request, pk)
    if not request.htmx:
        if error:
            messages.error(request, error)
        if not attempt.is_open:
            return redirect(_result_url(attempt))
        page = _page_of(item.position, attempt.max_score) if item else 1
        return redirect(_attempt_url(attempt, page))
    return render(request, "quizzes/_saved.html", {
        "attempt": attempt, "item": item, "error": error, "saved_at": timezone.now() if not error else None,
        "result_url": "" if attempt.is_open else _result_url(attempt),
    }, status=status)


@dataclass(frozen=True)
class ReviewRow:
    """One question on the review page: where it is and what was chosen, never whether it is right."""

    position: int
    text: str
    chosen: list[str]
    url: str


@require_GET
@login_required
def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Before submitting ("Save and review"): every question, answered or not, each with a link
    back to it, then on to the submit page (a contest round's asks the prediction there first)."""
    attempt = _get_attempt_for_user(request, pk)
    if not attempt.is_open:
        return _closed_redirect(request, attempt)
    items = list(attempt.items.all())
    rows = []
    for item in items:
        selected = set(item.selected)
        rows.append(ReviewRow(
            position=item.position, text=item.text,
            chosen=[c["text"] for c in item.public_choices() if c["id"] in selected],
            url=f"{_attempt_url(attempt, _page_of(item.position, len(items)))}#q-{item.pk}",
        ))
    return render(request, "quizzes/attempt_review.html", {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "rows": rows,
        "total": len(rows),
        "answered": sum(1 for row in rows if row.chosen),
        # A contest round submits on its own page (the prediction first); the engine's own
        # quizzes are submitted from here.
        "submit_page": first_answer(attempt_submit_page, attempt=attempt),
        "submit_key": uuid.uuid4().hex,
        "back_url": _attempt_url(attempt, _page_count(len(items))),
    })


@require_http_methods(["GET", "POST"])
@login_required
def attempt_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page, listing unanswered questions. POST: submit. Posting again
    (double click, a retry) finds the attempt finished and shows the same result."""
    attempt = _get_attempt_for_user(request, pk)
    # An app may have a submit page of its own (a contest round asks the tie-break prediction
    # before submitting): a receiver of attempt_submit_page names it.
    if attempt.is_open and (url := first_answer(attempt_submit_page, attempt=attempt)):
        return redirect(url)
    if not attempt.is_open:
        return _closed_redirect(request, attempt) if request.method == "GET" else redirect(_result_url(attempt))
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt_submit(attempt=attempt, key=form.cleaned_data["key"])
        return redirect(_result_url(attempt))
    items = list(attempt.items.only("pk", "position", "selected"))
    unanswered = [
        {"position": item.position, "url": f"{_attempt_url(attempt, _page_of(item.position, len(items)))}#q-{item.pk}"}
        for item in items if not item.selected
    ]
    return render(request, "quizzes/attempt_confirm.html", {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "form": form,
        "total": len(items),
        "unanswered": unanswered,
        "seconds_left": attempt.seconds_left(),
        "submit_key": uuid.uuid4().hex,
        "back_url": _attempt_url(attempt, _page_count(len(items))),
    }, status=400 if form.is_bound else 200)


# --- After the attempt -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewedChoice:
    text: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class ReviewedQuestion:
    position: int
    text: str
    explanation: str
    is_correct: bool
    answered: bool
    choices: list[ReviewedChoice]
    # The right answer is hidden (a live contest can draw the question): no key, no explanation,
    # not even right or wrong, which would give the key away as well.
    withheld: bool = False


def _reviewed(item: AttemptQuestion, withheld: frozenset[int] = frozenset()) -> ReviewedQuestion:
    selected = set(item.selected)
    if item.question_id in withheld:
        return ReviewedQuestion(
            position=item.position, text=item.text, explanation="", is_correct=False, answered=bool(selected),
            choices=[ReviewedChoice(text=c["text"], chosen=c["id"] in selected, correct=False) for c in item.choices],
            withheld=True,
        )
    return ReviewedQuestion(
        position=item.position, text=item.text, explanation=item.explanation, is_correct=bool(item.is_correct),
        answered=bool(selected),
        choices=[ReviewedChoice(text=c["text"], chosen=c["id"] in selected, correct=c["correct"])
                 for c in item.choices],
    )


@require_GET
@login_required
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    if attempt.is_open:
        return redirect("quizzes:attempt_take", pk=attempt.pk)
    quiz = attempt.quiz
    reviewable = can_review(attempt)
    withheld = review_withheld(attempt, user=request.user) if reviewable else []
    hidden = withheld_ids(withheld)
    left = attempts_left(quiz=quiz, user=request.user)
    return render(request, "quizzes/attempt_result.html", {
        "attempt": attempt,
        "quiz": quiz,
        "time_taken": _mmss(attempt.duration_ms),
        "reviewable": reviewable,
        "review_never": quiz.review_policy == ReviewPolicy.NEVER,
        "review_opens_at": quiz.closes_at if quiz.review_policy == ReviewPolicy.AFTER_CLOSE else None,
        "withheld": withheld,
        "questions": [_reviewed(item, hidden) for item in attempt.items.all()] if reviewable else [],
        "can_start": quiz.is_open() and left != 0,
    })


@dataclass(frozen=True)
class AttemptRow:
    attempt: Attempt
    time_taken: str


@require_GET
@login_required
def attempt_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The person's attempts at one quiz, newest first."""
    quiz = _get_quiz_for_user(request, slug)
    attempts = list(request.user.attempts.filter(quiz=quiz).order_by("-number"))
    attempts = [attempt_expire_if_overdue(a) if a.is_open else a for a in attempts]
    return render(request, "quizzes/attempt_list.html", {
        "quiz": quiz,
        "rows": [AttemptRow(attempt=a, time_taken=_mmss(a.duration_ms)) for a in attempts],
    })
