"""The learner's pages: "Việc cần làm" and the other modules, a module with its lessons and
progress, a lesson with its "Tôi đã đọc xong" button, the lesson's PDF, "continue"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from training import access, services
from training.errors import ModuleUnavailable
from training.models import Assignment, Certificate, Lesson, LessonProgress, Module, ModuleStatus
from training.progress import ModuleProgress, module_progress
from training.views.common import image_response, training_errors


def _get_module_for_user(request: HttpRequest, slug: str) -> Module:
    return access.module_for_learner(request.user, slug)


def _get_lesson_for_user(request: HttpRequest, module_slug: str, lesson_slug: str) -> Lesson:
    return access.lesson_for_learner(request.user, module_slug, lesson_slug)


def _due_dates(user) -> dict[int, object]:
    """The earliest due date of each published module assigned to the user's units."""
    return dict(
        Assignment.objects.for_unit_path(access.unit_path_of(user))
        .filter(module__status=ModuleStatus.PUBLISHED)
        .values("module_id").annotate(due=Min("due_date")).values_list("module_id", "due")
    )


def quiz_url(module: Module) -> str | None:
    if module.quiz_id is None:
        return None
    try:
        return reverse("quizzes:quiz_detail", args=[module.quiz.slug])
    except NoReverseMatch:  # the attempt pages are not installed
        return None


@require_GET
@login_required
def module_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    modules = list(access.modules_for_learner(user).with_progress(user))
    due = _due_dates(user)
    today = timezone.localdate()
    todo, others = [], []
    for module in modules:
        module.percent = round(100 * module.lessons_done / module.lesson_total) if module.lesson_total else 0
        module.due_date = due.get(module.pk)
        module.is_overdue = module.completed_at is None and module.due_date is not None and module.due_date < today
        (todo if module.due_date is not None else others).append(module)
    # Overdue first, then by due date; completed modules sink to the end of the list.
    todo.sort(key=lambda m: (m.completed_at is not None, not m.is_overdue, m.due_date, m.order, m.pk))
    certificates = list(Certificate.objects.filter(completion__user=user).order_by("-issued_at"))
    has_progress = any(m.lessons_done for m in modules)
    return render(request, "training/module_list.html", {
        "todo": todo, "others": others, "certificates": certificates, "has_progress": has_progress,
    })


@require_GET
@login_required
@training_errors
def continue_learning(request: HttpRequest) -> HttpResponse:
    """Back to where the learner left off: the next lesson of the module they last worked on,
    or of their most urgent unfinished assigned module."""
    user = request.user
    available = access.modules_for_learner(user).with_progress(user).filter(completed_at__isnull=True)
    last = (
        LessonProgress.objects.filter(user=user, lesson__module__in=available.values("pk"))
        .select_related("lesson__module").order_by("-completed_at", "-pk").first()
    )
    module = last.lesson.module if last else None
    if module is None:
        due = _due_dates(user)
        pending = sorted((m for m in available if m.pk in due), key=lambda m: (due[m.pk], m.order, m.pk))
        module = pending[0] if pending else None
    if module is None:
        return redirect("training:module_list")
    progress = module_progress(user=user, module=module)
    target = progress.next_lesson
    return redirect(target.get_absolute_url() if target else module.get_absolute_url())


def _module_context(request: HttpRequest, module: Module, progress: ModuleProgress) -> dict:
    due = _due_dates(request.user).get(module.pk)
    return {
        "module": module,
        "progress": progress,
        "due_date": due,
        "is_overdue": due is not None and not progress.is_complete and due < timezone.localdate(),
        "quiz_url": quiz_url(module),
    }


@require_GET
@login_required
@training_errors
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = _get_module_for_user(request, slug)
    progress = module_progress(user=request.user, module=module)
    return render(request, "training/module_detail.html", _module_context(request, module, progress))


def _lesson_context(request: HttpRequest, lesson: Lesson, progress: ModuleProgress) -> dict:
    previous, following = progress.neighbours(lesson)
    return {
        **_module_context(request, lesson.module, progress),
        "lesson": lesson,
        "previous": previous,
        "following": following,
        "is_done": progress.is_done(lesson),
        "is_unlocked": progress.is_unlocked(lesson),
        "blocking": progress.previous_unread(lesson),
    }


@require_GET
@login_required
@training_errors
def lesson_detail(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = _get_lesson_for_user(request, module_slug, lesson_slug)
    progress = module_progress(user=request.user, module=lesson.module)
    return render(request, "training/lesson_detail.html", _lesson_context(request, lesson, progress))


@require_POST
@login_required
@training_errors
def lesson_mark_read(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    """"Tôi đã đọc xong". htmx gets the progress fragment to swap in place; a plain form post
    goes on to the next lesson (or back to the module after the last one)."""
    lesson = _get_lesson_for_user(request, module_slug, lesson_slug)
    services.lesson_mark_read(user=request.user, lesson=lesson)
    progress = module_progress(user=request.user, module=lesson.module)
    if request.htmx:
        return render(request, "training/_lesson_progress.html", _lesson_context(request, lesson, progress))
    _previous, following = progress.neighbours(lesson)
    return redirect(following.get_absolute_url() if following else lesson.module.get_absolute_url())


@require_GET
@login_required
@training_errors
def lesson_attachment(request: HttpRequest, module_slug: str, lesson_slug: str) -> FileResponse:
    """The lesson's PDF, to readers of the lesson only, always as a download: a file is never
    rendered inline from our origin, whatever it contains."""
    lesson = _get_lesson_for_user(request, module_slug, lesson_slug)
    if not lesson.attachment or not lesson.attachment.name.lower().endswith(".pdf"):
        raise ModuleUnavailable()
    try:
        handle = lesson.attachment.open("rb")
    except FileNotFoundError:
        raise ModuleUnavailable() from None
    response = FileResponse(handle, as_attachment=True, filename=f"{lesson.slug}.pdf",
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
@training_errors
def lesson_image(request: HttpRequest, module_slug: str, lesson_slug: str, pk: int) -> HttpResponse:
    """A lesson's image, to readers of the lesson only (the file is outside MEDIA_ROOT)."""
    lesson = _get_lesson_for_user(request, module_slug, lesson_slug)
    image = lesson.images.filter(pk=pk).first()
    if image is None:
        raise ModuleUnavailable()
    return image_response(image)
