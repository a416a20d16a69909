"""The organisers' authoring pages: modules and their lessons (Markdown with a preview, images, a
PDF, a video link), the order of the lessons, the module quiz's draw rules, publishing. Organisers
only (accounts.roles); anyone else gets a 404. Every change goes through training.services, which
writes the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.errors import DomainError
from quizzes.models import Topic
from quizzes.rendering import render_markdown
from quizzes.services.attempts import pool_sizes
from training import services
from training.errors import PoolTooSmall
from training.forms_authoring import ConfirmForm, LessonForm, LessonImageForm, ModuleForm, ModuleQuizForm
from training.models import Lesson, LessonImage, Module
from training.views.common import image_response


def _check_author(request: HttpRequest) -> None:
    """Organisers author training; for anyone else these pages do not exist."""
    if not roles.is_organiser(request.user):
        raise Http404


def _get_module_for_author(request: HttpRequest, pk: int) -> Module:
    _check_author(request)
    return get_object_or_404(Module.objects.select_related("quiz"), pk=pk)


def _get_lesson_for_author(request: HttpRequest, pk: int) -> Lesson:
    _check_author(request)
    return get_object_or_404(Lesson.objects.select_related("module__quiz"), pk=pk)


def _get_image_for_author(request: HttpRequest, pk: int) -> LessonImage:
    _check_author(request)
    return get_object_or_404(LessonImage.objects.select_related("lesson__module"), pk=pk)


def _changed(form) -> list[str]:
    return list(form.changed_data)


@require_GET
@login_required
def module_list(request: HttpRequest) -> HttpResponse:
    _check_author(request)
    modules = Module.objects.select_related("quiz").annotate(
        lesson_count=Count("lessons", distinct=True), assignment_count=Count("assignments", distinct=True),
    ).order_by("order", "pk")
    return render(request, "training/author_module_list.html", {"modules": modules})


@require_http_methods(["GET", "POST"])
@login_required
def module_create(request: HttpRequest) -> HttpResponse:
    _check_author(request)
    form = ModuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        module = services.module_save(module=form.save(commit=False), actor=request.user, changed=_changed(form))
        messages.success(request, _("The module was created as a draft. Add its lessons, then publish it."))
        return redirect("training:author_module", pk=module.pk)
    return render(request, "training/author_module_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _module_page(request: HttpRequest, module: Module, form: ModuleForm, *, status: int = 200) -> HttpResponse:
    lessons = list(module.lessons.annotate(image_count=Count("images")).order_by("order", "pk"))
    rules = list(module.quiz.draw_rules.select_related("topic")) if module.quiz_id else []
    return render(request, "training/author_module.html", {
        "module": module, "form": form, "lessons": lessons, "rules": rules,
        "question_count": sum(rule.count for rule in rules),
        "assignment_count": module.assignments.count(),
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _get_module_for_author(request, pk)
    form = ModuleForm(request.POST if request.method == "POST" else None, instance=module)
    if request.method == "POST":
        if form.is_valid():
            services.module_save(module=form.save(commit=False), actor=request.user, changed=_changed(form))
            messages.success(request, _("The module was saved."))
            return redirect("training:author_module", pk=module.pk)
        module.refresh_from_db()  # the page's heading and links keep the saved values
        return _module_page(request, module, form, status=400)
    return _module_page(request, module, form)


@require_POST
@login_required
def module_publish(request: HttpRequest, pk: int) -> HttpResponse:
    module = _get_module_for_author(request, pk)
    try:
        services.module_publish(module=module, actor=request.user)
    except DomainError as exc:  # a training rule, or a rule of another app that the service asks
        messages.error(request, exc.message)
        return _module_page(request, module, ModuleForm(instance=module), status=exc.status)
    messages.success(request, _("The module is published: learners can see it now."))
    return redirect("training:author_module", pk=module.pk)


@require_POST
@login_required
def module_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    module = _get_module_for_author(request, pk)
    services.module_unpublish(module=module, actor=request.user)
    messages.success(request, _("The module is a draft again: learners no longer see it. Their progress is kept."))
    return redirect("training:author_module", pk=module.pk)


def _preview(form: LessonForm) -> dict[str, str]:
    """The Markdown as learners will see it, rendered from what was typed (saved or not)."""
    return {"body": render_markdown(form.data.get("body", ""), profile="lesson"),
            "sources": render_markdown(form.data.get("sources", ""), profile="lesson")}


def _lesson_page(request: HttpRequest, lesson: Lesson, form: LessonForm, *, image_form: LessonImageForm | None = None,
                 preview: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "training/author_lesson.html", {
        "module": lesson.module, "lesson": lesson, "form": form, "preview": preview,
        "image_form": image_form or LessonImageForm(),
        "images": list(lesson.images.all()) if lesson.pk else [],
    }, status=status)


def _lesson_form_post(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    form = LessonForm(request.POST, request.FILES, instance=lesson)
    if "preview" in request.POST:
        # The preview button without JavaScript: the same form shown again with the text rendered;
        # nothing is saved (a chosen PDF has to be chosen again).
        return _lesson_page(request, lesson, form, preview=_preview(form))
    if not form.is_valid():
        if lesson.pk:
            lesson.refresh_from_db()
        return _lesson_page(request, lesson, form, status=400)
    created = lesson.pk is None
    services.lesson_save(lesson=form.save(commit=False), actor=request.user, changed=_changed(form))
    messages.success(request, _("The lesson was added.") if created else _("The lesson was saved."))
    return redirect("training:author_lesson", pk=lesson.pk)


@require_http_methods(["GET", "POST"])
@login_required
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    module = _get_module_for_author(request, pk)
    lesson = Lesson(module=module)
    if request.method == "POST":
        return _lesson_form_post(request, lesson)
    return _lesson_page(request, lesson, LessonForm(instance=lesson))


@require_http_methods(["GET", "POST"])
@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson_for_author(request, pk)
    if request.method == "POST":
        return _lesson_form_post(request, lesson)
    return _lesson_page(request, lesson, LessonForm(instance=lesson))


@require_POST
@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The htmx preview: the lesson form's text rendered in place, nothing saved."""
    _check_author(request)
    return render(request, "training/_markdown_preview.html", {"preview": _preview(LessonForm(request.POST))})


@require_POST
@login_required
def lesson_move(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson_for_author(request, pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        return HttpResponse(_("Move a lesson up or down."), status=400, content_type="text/plain; charset=utf-8")
    services.lesson_move(lesson=lesson, step=step, actor=request.user)
    module = lesson.module
    if request.htmx:
        lessons = list(module.lessons.annotate(image_count=Count("images")).order_by("order", "pk"))
        return render(request, "training/_author_lessons.html", {"module": module, "lessons": lessons})
    return redirect("training:author_module", pk=module.pk)


@require_POST
@login_required
def lesson_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson_for_author(request, pk)
    image_form = LessonImageForm(request.POST, request.FILES, instance=LessonImage(lesson=lesson))
    if not image_form.is_valid():
        return _lesson_page(request, lesson, LessonForm(instance=lesson), image_form=image_form, status=400)
    services.lesson_image_add(image=image_form.save(commit=False), actor=request.user)
    messages.success(request, _("The image was added to the lesson."))
    return redirect("training:author_lesson", pk=lesson.pk)


@require_POST
@login_required
def lesson_image_delete(request: HttpRequest, pk: int) -> HttpResponse:
    image = _get_image_for_author(request, pk)
    lesson = image.lesson
    services.lesson_image_delete(image=image, actor=request.user)
    messages.success(request, _("The image was removed."))
    return redirect("training:author_lesson", pk=lesson.pk)


@require_GET
@login_required
def lesson_image_preview(request: HttpRequest, pk: int) -> FileResponse:
    """An image of any lesson, drafts included, for the organisers' pages and previews."""
    return image_response(_get_image_for_author(request, pk))


@require_http_methods(["GET", "POST"])
@login_required
def module_quiz(request: HttpRequest, pk: int) -> HttpResponse:
    module = _get_module_for_author(request, pk)
    audience = services.quiz_audience_for(module.audience)
    sizes = pool_sizes(audience=audience)
    topics = list(Topic.objects.order_by("name"))
    quiz = module.quiz
    initial = {"pass_mark_percent": 70, "time_limit_minutes": 15, "attempts_allowed": 3}
    if quiz is not None:
        initial = {"pass_mark_percent": quiz.pass_mark_percent, "time_limit_minutes": quiz.time_limit_seconds // 60,
                   "attempts_allowed": quiz.attempts_allowed}
        initial.update({ModuleQuizForm.field_name(rule.topic): rule.count
                        for rule in quiz.draw_rules.select_related("topic")})
    form = ModuleQuizForm(request.POST if request.method == "POST" else None, initial=initial, topics=topics,
                          sizes=sizes)
    if request.method == "POST" and form.is_valid():
        try:
            services.module_quiz_set(
                module=module, counts=form.counts(), pass_mark_percent=form.cleaned_data["pass_mark_percent"],
                time_limit_minutes=form.cleaned_data["time_limit_minutes"],
                attempts_allowed=form.cleaned_data["attempts_allowed"], actor=request.user,
            )
        except PoolTooSmall as exc:
            form.add_error(ModuleQuizForm.field_name(exc.topic), exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The module quiz was saved."))
            return redirect("training:author_module", pk=module.pk)
    return render(request, "training/author_quiz.html", {
        "module": module, "form": form, "audience_label": module.get_audience_display(),
    }, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@login_required
def lesson_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson_for_author(request, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        module = lesson.module
        services.lesson_delete(lesson=lesson, actor=request.user)
        messages.success(request, _("The lesson was removed."))
        return redirect("training:author_module", pk=module.pk)
    return render(request, "training/author_lesson_delete.html", {"lesson": lesson, "module": lesson.module,
                                                                  "form": form},
                  status=400 if form.is_bound else 200)
