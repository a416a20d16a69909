"""The organiser's question bank: browse and filter, edit with choices, publish, delete or
archive, topics, import and export. Organisers only: everyone else gets a 404, so the pages'
existence is not advertised."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_organiser, organiser_required
from quizzes.bank_import import ImportReport, questions_import
from quizzes.exporters import bank_export_gift, bank_export_xlsx, bank_template_xlsx
from quizzes.forms.bank import (
    ChoiceFormSet,
    QuestionExportForm,
    QuestionFilterForm,
    QuestionForm,
    QuestionImportForm,
    QuestionStatusForm,
    TopicForm,
    question_forms_valid,
)
from quizzes.models import Question, QuestionStatus, Topic
from quizzes.services.bank import (
    question_delete,
    question_save,
    question_set_status,
    question_usage,
    topic_save,
)

QUESTIONS_PER_PAGE = 50


def _get_question_for_user(request: HttpRequest, pk: int) -> Question:
    if not is_organiser(request.user):
        raise Http404
    return get_object_or_404(Question.objects.select_related("topic"), pk=pk)


def _get_topic_for_user(request: HttpRequest, pk: int) -> Topic:
    if not is_organiser(request.user):
        raise Http404
    return get_object_or_404(Topic, pk=pk)


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- Questions -------------------------------------------------------------------------------

@require_GET
@organiser_required
def question_list(request: HttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors are shown; the valid filters still apply
    questions = form.filter(Question.objects.select_related("topic"))
    page_number = form.cleaned_data.get("page") if form.is_bound else None
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(page_number or 1)
    context = {"form": form, "page": page, "filter_query": form.query_without_page() if form.is_bound else ""}
    template = "quizzes/bank/_question_rows.html" if request.htmx else "quizzes/bank/question_list.html"
    return render(request, template, context)


def _question_page(request: HttpRequest, *, question: Question | None) -> HttpResponse:
    """Create and edit share one page: the question, its choices, a preview."""
    instance = question or Question()
    usage = question_usage(question) if question else {"attempts": 0, "quizzes": 0}
    preview = None
    if request.method == "POST":
        form = QuestionForm(request.POST, instance=instance)
        formset = ChoiceFormSet(request.POST, instance=instance, prefix="choices")
        valid = question_forms_valid(form, formset)
        if "preview" in request.POST:
            preview = {
                "text": request.POST.get("text", ""),
                "explanation": request.POST.get("explanation", ""),
                "choices": [f.cleaned_data for f in formset.kept_forms()] if valid else [],
            }
            if request.htmx:
                return render(request, "quizzes/bank/_preview.html", {"preview": preview})
        elif valid:
            try:
                saved = question_save(actor=request.user, question=form.instance, choices=formset.choice_inputs())
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                if question is None:
                    messages.success(request, _("The question was created."))
                else:
                    messages.success(request, _("The question was saved."))
                return redirect("quizzes:bank_question_edit", pk=saved.pk)
    else:
        form = QuestionForm(instance=instance)
        formset = ChoiceFormSet(instance=instance, prefix="choices")
        if question is not None:
            preview = {
                "text": question.text, "explanation": question.explanation,
                "choices": [{"text": c.text, "is_correct": c.is_correct} for c in question.choices.all()],
            }
    return render(request, "quizzes/bank/question_form.html", {
        "question": question, "form": form, "formset": formset, "preview": preview, "usage": usage,
    })


@require_http_methods(["GET", "POST"])
@organiser_required
def question_create(request: HttpRequest) -> HttpResponse:
    return _question_page(request, question=None)


@require_http_methods(["GET", "POST"])
@organiser_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _get_question_for_user(request, pk)
    return _question_page(request, question=question)


@require_POST
@organiser_required
def question_status(request: HttpRequest, pk: int) -> HttpResponse:
    question = _get_question_for_user(request, pk)
    form = QuestionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to publish the question or set it back to draft."))
        return redirect("quizzes:bank_question_edit", pk=question.pk)
    try:
        question_set_status(actor=request.user, question=question, status=form.cleaned_data["status"])
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        if question.status == QuestionStatus.PUBLISHED:
            messages.success(request, _("The question is published: quizzes may draw it."))
        else:
            messages.success(request, _("The question is a draft again: no new attempt will draw it."))
    return redirect("quizzes:bank_question_edit", pk=question.pk)


@require_http_methods(["GET", "POST"])
@organiser_required
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = _get_question_for_user(request, pk)
    usage = question_usage(question)
    errors: list[str] = []
    if request.method == "POST":
        try:
            question_delete(actor=request.user, question=question)
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            messages.success(request, _("The question was deleted."))
            return redirect("quizzes:bank_question_list")
    return render(request, "quizzes/bank/question_delete.html", {
        "question": question, "usage": usage, "errors": errors,
        "can_delete": not usage["attempts"] and not usage["quizzes"],
    }, status=400 if errors else 200)


# --- Topics ----------------------------------------------------------------------------------

@require_GET
@organiser_required
def topic_list(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.annotate(
        question_count=Count("questions"),
    ).order_by("name")
    return render(request, "quizzes/bank/topic_list.html", {"topics": topics})


def _topic_page(request: HttpRequest, *, topic: Topic | None) -> HttpResponse:
    if request.method == "POST":
        form = TopicForm(request.POST, instance=topic)
        if form.is_valid():
            try:
                topic_save(actor=request.user, topic=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The topic was saved."))
                return redirect("quizzes:bank_topic_list")
    else:
        form = TopicForm(instance=topic)
    return render(request, "quizzes/bank/topic_form.html", {"topic": topic, "form": form})


@require_http_methods(["GET", "POST"])
@organiser_required
def topic_create(request: HttpRequest) -> HttpResponse:
    return _topic_page(request, topic=None)


@require_http_methods(["GET", "POST"])
@organiser_required
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic_for_user(request, pk)
    return _topic_page(request, topic=topic)


# --- Import and export -----------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_IMPORT_RESULT = "quizzes_bank_import_result"
# What the page lists of a finished import, kept in the session only until it is shown.
_MAX_LISTED_ISSUES = 200


def _issues(items) -> list[dict[str, str]]:
    return [{"location": i.location, "message": i.message} for i in items[:_MAX_LISTED_ISSUES]]


def _summary(report: ImportReport, filename: str) -> dict:
    return {
        "file": filename, "format": report.format, "created": report.created,
        "counts": [{"topic": c.topic, "type": c.type, "count": c.count} for c in report.counts],
        "topics_created": report.topics_created, "skipped": _issues(report.skipped),
        "skipped_total": len(report.skipped),
    }


@require_http_methods(["GET", "POST"])
@organiser_required
def question_import(request: HttpRequest) -> HttpResponse:
    """Upload → (dry run: preview) → import. The service is atomic: with any error nothing is
    saved, and the page lists every error with its line or row."""
    report: ImportReport | None = None
    done = None
    if request.method == "POST":
        form = QuestionImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = questions_import(
                source=upload, format=form.format_or_none(), topic=form.cleaned_data["topic"],
                dry_run=form.cleaned_data["dry_run"], actor=request.user, filename=upload.name,
            )
            if report.ok and not report.dry_run:
                # Redirect after the import so that reloading the page cannot import the file twice.
                request.session[_IMPORT_RESULT] = _summary(report, upload.name)
                return redirect("quizzes:bank_import")
            if report.ok:
                # The preview was fine: the next upload imports for real.
                form = QuestionImportForm(initial={"format": form.cleaned_data["format"],
                                                   "topic": form.cleaned_data["topic"], "dry_run": False})
    else:
        form = QuestionImportForm()
        done = request.session.pop(_IMPORT_RESULT, None)
    return render(request, "quizzes/bank/import.html", {
        "form": form, "report": report, "done": done,
        "errors": _issues(report.errors) if report else [], "errors_total": len(report.errors) if report else 0,
        "skipped": _issues(report.skipped) if report else [],
    })


def _attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@organiser_required
def question_import_template(request: HttpRequest) -> HttpResponse:
    return _attachment(bank_template_xlsx(), content_type=XLSX_TYPE, filename="mau-nhap-cau-hoi.xlsx")


@require_GET
@organiser_required
def question_export(request: HttpRequest) -> HttpResponse:
    """With a format (and maybe a topic) in the address: the file. Without: the choice."""
    form = QuestionExportForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return render(request, "quizzes/bank/export.html", {"form": form},
                      status=400 if form.is_bound else 200)
    topic = form.cleaned_data["topic"]
    name = f"ngan-hang-cau-hoi-{topic.slug}" if topic else "ngan-hang-cau-hoi"
    if form.cleaned_data["format"] == "xlsx":
        return _attachment(bank_export_xlsx(topic=topic), content_type=XLSX_TYPE, filename=f"{name}.xlsx")
    return _attachment(bank_export_gift(topic=topic).encode(), content_type="text/plain; charset=utf-8",
                       filename=f"{name}.gift.txt")
