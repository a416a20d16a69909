"""The training REST API: one thin APIView per endpoint (check access, call a service, serialise).
Authentication, body limits and the error shape are the quiz API's (quizzes.api.views.ApiView,
config/api.py). Every response a view can give is declared in its @extend_schema."""

from __future__ import annotations

from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.serializers import MAX_ID, ErrorSerializer
from quizzes.api.views import ApiView
from training import access, services
from training.api.serializers import (
    AssignmentOutputSerializer,
    CertificateOutputSerializer,
    LessonOutputSerializer,
    ModuleDetailOutputSerializer,
    ModuleOutputSerializer,
    ProgressOutputSerializer,
    VerificationOutputSerializer,
)
from training.errors import ModuleUnavailable, TrainingError
from training.forms import normalise_code
from training.models import Assignment, Certificate, Lesson, ModuleCompletion, ModuleStatus
from training.progress import module_progress

TAG = "training"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


AUTH_ERRORS = {
    401: _error("Not logged in: no valid token or session."),
    403: _error("Refused: e.g. a session request without its CSRF token."),
}
NOT_FOUND = {404: _error("No such module or lesson among those I may study (drafts included).")}


def _refusal(exc: TrainingError) -> APIException:
    error = APIException(detail=exc.message, code=exc.code)
    error.status_code = exc.status
    return error


def _due_dates(user) -> dict[int, object]:
    return dict(
        Assignment.objects.for_unit_path(access.unit_path_of(user)).filter(module__status=ModuleStatus.PUBLISHED)
        .values("module_id").annotate(due=Min("due_date")).values_list("module_id", "due")
    )


def _modules(user):
    modules = list(access.modules_for_learner(user).with_progress(user))
    due = _due_dates(user)
    for module in modules:
        module.percent = round(100 * module.lessons_done / module.lesson_total) if module.lesson_total else 0
        module.due_date = due.get(module.pk)
    return modules


def _get_module_for_user(request: Request, slug: str):
    try:
        return access.module_for_learner(request.user, slug)
    except TrainingError as exc:
        raise _refusal(exc) from None


def _get_lesson_for_user(request: Request, pk: int) -> Lesson:
    lesson = None
    if pk <= MAX_ID:
        lesson = Lesson.objects.select_related("module").filter(pk=pk).first()
    if lesson is None or not access.module_available_to(request.user, lesson.module):
        raise _refusal(ModuleUnavailable())
    return lesson


class ModuleListView(ApiView):
    @extend_schema(tags=[TAG], responses={200: ModuleOutputSerializer(many=True), **AUTH_ERRORS})
    def get(self, request: Request) -> Response:
        """The published modules I may study (assigned to my unit, or for my audience), with my progress."""
        return Response(ModuleOutputSerializer(_modules(request.user), many=True).data)


class ModuleDetailView(ApiView):
    @extend_schema(tags=[TAG], responses={200: ModuleDetailOutputSerializer, **AUTH_ERRORS, **NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        """A module with its lessons in order and my progress."""
        module = _get_module_for_user(request, slug)
        summary = next(m for m in _modules(request.user) if m.pk == module.pk)
        progress = module_progress(user=request.user, module=module)
        lessons = [{"lesson": lesson, "done": done, "unlocked": unlocked}
                   for lesson, done, unlocked in progress.lesson_rows()]
        return Response(ModuleDetailOutputSerializer({"module": summary, "progress": progress,
                                                      "lessons": lessons}).data)


class LessonDetailView(ApiView):
    @extend_schema(tags=[TAG], responses={200: LessonOutputSerializer, **AUTH_ERRORS, **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        """A lesson: its body and sources as sanitised HTML, and whether I have read it."""
        lesson = _get_lesson_for_user(request, pk)
        progress = module_progress(user=request.user, module=lesson.module)
        lesson.done = progress.is_done(lesson)
        lesson.unlocked = progress.is_unlocked(lesson)
        return Response(LessonOutputSerializer(lesson).data)


class LessonReadView(ApiView):
    @extend_schema(
        tags=[TAG], request=None,
        responses={
            200: ProgressOutputSerializer, **AUTH_ERRORS, **NOT_FOUND,
            409: _error("An earlier lesson is not read yet (code lesson_out_of_order): nothing was recorded."),
            413: _error("The body is over 64 KB."),
            415: _error("The body is not JSON."),
        },
        description="Mark a lesson as read (\"Tôi đã đọc xong\"). Lessons are read in order; marking a "
                    "lesson twice is harmless. Returns my progress in the module, completion included.",
    )
    def post(self, request: Request, pk: int) -> Response:
        lesson = _get_lesson_for_user(request, pk)
        try:
            services.lesson_mark_read(user=request.user, lesson=lesson)
        except TrainingError as exc:
            raise _refusal(exc) from None
        return Response(ProgressOutputSerializer(module_progress(user=request.user, module=lesson.module)).data)


class ProgressListView(ApiView):
    @extend_schema(tags=[TAG], responses={200: ProgressOutputSerializer(many=True), **AUTH_ERRORS})
    def get(self, request: Request) -> Response:
        """My progress in every module I may study."""
        progresses = [module_progress(user=request.user, module=module)
                      for module in access.modules_for_learner(request.user).select_related("quiz")]
        return Response(ProgressOutputSerializer(progresses, many=True).data)


class AssignmentListView(ApiView):
    @extend_schema(tags=[TAG], responses={200: AssignmentOutputSerializer(many=True), **AUTH_ERRORS})
    def get(self, request: Request) -> Response:
        """The modules assigned to my unit (or a unit above it), overdue first."""
        user = request.user
        assignments = list(
            Assignment.objects.for_unit_path(access.unit_path_of(user))
            .filter(module__status=ModuleStatus.PUBLISHED).select_related("module", "unit")
        )
        completed = set(ModuleCompletion.objects.filter(user=user).values_list("module_id", flat=True))
        today = timezone.localdate()
        for assignment in assignments:
            assignment.completed = assignment.module_id in completed
            assignment.overdue = not assignment.completed and assignment.due_date < today
        assignments.sort(key=lambda a: (a.completed, not a.overdue, a.due_date, a.pk))
        return Response(AssignmentOutputSerializer(assignments, many=True).data)


class CertificateListView(ApiView):
    @extend_schema(tags=[TAG], responses={200: CertificateOutputSerializer(many=True), **AUTH_ERRORS})
    def get(self, request: Request) -> Response:
        """My certificates, newest first."""
        certificates = Certificate.objects.filter(completion__user=request.user).order_by("-issued_at")
        return Response(CertificateOutputSerializer(certificates, many=True).data)


class VerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG], auth=[],
        responses={200: VerificationOutputSerializer,
                   404: _error("No certificate has this code (it may have been mistyped).")},
    )
    def get(self, request: Request, code: str) -> Response:
        """Public check of a certificate code: valid or revoked, with holder's name, module and date only."""
        certificate = Certificate.objects.filter(code=normalise_code(code)[:16]).first()
        if certificate is None:
            raise Http404
        return Response(VerificationOutputSerializer({
            "code": certificate.code, "valid": not certificate.is_revoked, "is_revoked": certificate.is_revoked,
            "holder_name": certificate.holder_name, "module_title": certificate.module_title,
            "issued_on": timezone.localtime(certificate.issued_at).date(),
        }).data)
