"""The REST API for taking a quiz: one APIView per endpoint, each thin (validate the input, call
one service, serialise the result). Business rules live in quizzes/services/attempts.py; errors
come out in the one shape of config/api.py.

Every response a view can give is declared in its @extend_schema, so the OpenAPI schema is the
whole contract (CI checks it with schemathesis: make test-api-schema).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound, PermissionDenied, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ratelimit import client_fingerprint, client_ip
from quizzes.access import quiz_available_to
from quizzes.api.parsers import LimitedJSONParser
from quizzes.api.serializers import (
    IDEMPOTENCY_KEY_HELP,
    MAX_ID,
    AnswerInputSerializer,
    AnswerOutputSerializer,
    AttemptOutputSerializer,
    ErrorSerializer,
    QuizListQuerySerializer,
    QuizOutputSerializer,
    ResultOutputSerializer,
    SubmitInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from quizzes.models import Attempt, AttemptStatus, Quiz, QuizOverride
from quizzes.services.attempts import (
    AttemptNotFound,
    attempt_expire_if_overdue,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
    can_review,
    review_withheld,
)

TAG = "quiz"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# The error responses every authenticated endpoint can give, besides its own.
BAD_INPUT = {400: _error("Invalid input: `errors` names each wrong field.")}
AUTH_ERRORS = {
    401: _error("Not logged in: no valid token or session."),
    403: _error("Refused: e.g. a session request without its CSRF token."),
}
NOT_FOUND = {404: _error("No such object among yours (another person's attempt is 404 too).")}
BODY_ERRORS = {
    413: _error("The body is over 64 KB."),
    415: _error("The body is not JSON."),
}
CONFLICT = {409: _error("The quiz engine refused: `code` says why (quiz_not_open, no_attempts_left, …).")}


class AttemptNotFinished(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "attempt_open"
    default_detail = _("This attempt is still in progress: submit it to see the result.")


class CsrfSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request) -> None:
        try:
            super().enforce_csrf(request)
        except PermissionDenied:
            # DRF's message carries Django's English reason; the person needs to know what to do.
            raise PermissionDenied(_("The security check (CSRF) failed: reload the page and try again.")) from None


class CsrfSessionScheme(SessionScheme):
    # Tells drf-spectacular that the subclass is still the session cookie ("cookieAuth").
    target_class = CsrfSessionAuthentication


class ApiView(APIView):
    # Token first: an anonymous request then gets 401 with `WWW-Authenticate: Token`, not 403.
    authentication_classes = [TokenAuthentication, CsrfSessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser]


def _pk_or_404(pk: int) -> int:
    # A path id beyond 64 bits would overflow the database driver: it simply names nothing.
    if pk > MAX_ID:
        raise Http404
    return pk


def _quizzes_for_user(user) -> QuerySet[Quiz]:
    """The quizzes open now that this person may take (quizzes.access decides, quiz by quiz:
    there are a few dozen open at a time, so one pass over them is cheap)."""
    # role_of() reads the person's groups on every call: fetched once here for the whole pass.
    prefetch_related_objects([user], "groups")
    candidates = Quiz.objects.open_now()
    return Quiz.objects.filter(pk__in=[quiz.pk for quiz in candidates if quiz_available_to(quiz, user)])


def _get_quiz_for_user(request: Request, pk: int) -> Quiz:
    quiz = Quiz.objects.filter(pk=_pk_or_404(pk)).first()
    if quiz is None or not quiz_available_to(quiz, request.user):
        raise Http404
    return quiz


def _get_attempt_for_user(request: Request, pk: int) -> Attempt:
    """One of the person's own attempts, closed first if it ran past its deadline and grace.
    Someone else's attempt is 404, like a missing one, so ids cannot be probed."""
    attempt = request.user.attempts.select_related("quiz").filter(pk=_pk_or_404(pk)).first()
    if attempt is None:
        raise Http404
    return attempt_expire_if_overdue(attempt)


def result_context(attempt: Attempt, user) -> dict:
    """What ResultOutputSerializer may show: the review if the quiz allows one now, minus the
    answers withheld from this person (quizzes.signals.answer_review_withheld)."""
    review = can_review(attempt)
    return {"review": review, "withheld": review_withheld(attempt, user=user) if review else []}


def _with_my_attempts(quizzes: QuerySet[Quiz], user) -> QuerySet[Quiz]:
    """Annotate what the list shows per quiz in the same query: my attempts so far, my extra
    attempts and my open attempt (attempts_left() of the services, for many quizzes at once)."""
    mine = Q(attempts__user=user)
    extra = QuizOverride.objects.filter(quiz=OuterRef("pk"), user=user).values("extra_attempts")[:1]
    open_attempt = Attempt.objects.filter(quiz=OuterRef("pk"), user=user, status=AttemptStatus.OPEN).values("pk")[:1]
    return quizzes.annotate(
        used=Count("attempts", filter=mine),
        extra=Coalesce(Subquery(extra, output_field=IntegerField()), 0),
        open_attempt=Subquery(open_attempt, output_field=IntegerField()),
    ).order_by("closes_at", "title", "pk")


# --- Authentication ----------------------------------------------------------------------------


class TokenObtainView(APIView):
    """Exchange a phone number (or email) and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [LimitedJSONParser]

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 (with this header), as HTTP asks; DRF turns a 401 without
        # one into a 403.
        return "Token"

    @extend_schema(
        tags=["auth"], request=TokenInputSerializer, auth=[],
        responses={
            200: TokenOutputSerializer,
            400: _error("Missing or malformed fields."),
            401: _error("The login or password is wrong."),
            403: _error("The account must change its password first (on the website)."),
            429: _error("Too many failed logins: locked for a while."),
            **BODY_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Through authenticate(), so django-axes counts failures and locks out like the login page.
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                # Answered here in the API's shape; the flag would make the axes middleware swap
                # this response for its HTML lockout page.
                request._request.axes_locked_out = False
                raise Throttled(detail=_("Too many failed logins. Try again in 15 minutes."))
            if getattr(request._request, "login_limited", False):
                raise Throttled(detail=_("Too many wrong passwords for this account or from this network. "
                                         "Try again in a few minutes."))
            raise AuthenticationFailed(_("The phone number/email or password is wrong."))
        if user.must_change_password:
            raise PermissionDenied(_("Change your password on the website before using the API."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)


# --- Quizzes -----------------------------------------------------------------------------------


class QuizListView(ApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG], parameters=[QuizListQuerySerializer],
        responses={
            200: QuizOutputSerializer(many=True), **BAD_INPUT, **AUTH_ERRORS,
            404: _error("A page beyond the last one."),
        },
    )
    def get(self, request: Request) -> Response:
        """The quizzes open now that I may take, with my attempts left."""
        # Validated before the paginator sees it, as a plain dict: both DRF's paginator and its
        # form-data handling read `?page=` as "no page", i.e. page 1.
        QuizListQuerySerializer(data=request.query_params.dict()).is_valid(raise_exception=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_with_my_attempts(_quizzes_for_user(request.user), request.user),
                                           request, view=self)
        for quiz in page:
            allowed = None if quiz.attempts_allowed is None else quiz.attempts_allowed + quiz.extra
            quiz.attempts_left = None if allowed is None else max(0, allowed - quiz.used)
        return paginator.get_paginated_response(QuizOutputSerializer(page, many=True).data)


class AttemptStartView(ApiView):
    @extend_schema(
        tags=[TAG], request=None,
        responses={
            201: AttemptOutputSerializer, 200: AttemptOutputSerializer,
            **AUTH_ERRORS, **NOT_FOUND, **CONFLICT, **BODY_ERRORS,
            429: _error("Too many attempts started from this network in a short time (contest rounds)."),
        },
        description="Start an attempt (201), or get my attempt in progress (200): starting twice "
                    "never makes two attempts.",
    )
    def post(self, request: Request, pk: int) -> Response:
        quiz = _get_quiz_for_user(request, pk)
        now = timezone.now()
        # The address and browser as the web pages record them (behind a proxy too): the contest's
        # per-address limit and its shared-device check read them.
        attempt = attempt_start(quiz=quiz, user=request.user, client_ip=client_ip(request._request),
                                fingerprint=client_fingerprint(request._request), now=now)
        created = attempt.started_at == now
        return Response(AttemptOutputSerializer(attempt).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AttemptDetailView(ApiView):
    @extend_schema(tags=[TAG], responses={200: AttemptOutputSerializer, **AUTH_ERRORS, **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        """My attempt with its questions (choices only, never the answers), deadline and time left."""
        attempt = _get_attempt_for_user(request, pk)
        return Response(AttemptOutputSerializer(attempt).data)


class AnswerSaveView(ApiView):
    @extend_schema(
        tags=[TAG], request=AnswerInputSerializer,
        responses={
            200: AnswerOutputSerializer,
            400: _error("Invalid input, an item not in this attempt, or choices of another question."),
            **AUTH_ERRORS, **NOT_FOUND,
            409: _error("The attempt is closed (submitted, or past its deadline and grace)."),
            **BODY_ERRORS,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Save (or replace, or clear with []) my answer to one question."""
        data = AnswerInputSerializer(data=request.data)
        if not data.is_valid():
            # Someone else's attempt stays 404 whatever the body, as if it had been read first.
            _get_attempt_for_user(request, pk)
            data.is_valid(raise_exception=True)
        try:
            # Whose attempt it is, whether it is open and the item's, in the service's one read.
            item = attempt_save_answer(attempt_id=_pk_or_404(pk), user=request.user,
                                       item_id=data.validated_data["item"], choice_ids=data.validated_data["choices"])
        except AttemptNotFound:
            raise Http404 from None
        return Response(AnswerOutputSerializer(item).data)


class AttemptSubmitView(ApiView):
    @extend_schema(
        tags=[TAG], request=SubmitInputSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description=str(IDEMPOTENCY_KEY_HELP), pattern=r"^[\x21-\x7e]{1,64}$")],
        responses={200: ResultOutputSerializer, **BAD_INPUT, **AUTH_ERRORS, **NOT_FOUND, **BODY_ERRORS},
        description="Grade my attempt. Idempotent: the attempt is graded once, and every later or "
                    "concurrent submit (retries with the same key included) gets that same result. "
                    "The key goes in the Idempotency-Key header or, failing that, the idempotency_key "
                    "field; the header wins when both are sent.",
    )
    def post(self, request: Request, pk: int) -> Response:
        header = request.headers.get("Idempotency-Key")
        try:
            data = SubmitInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            if header is not None:
                # The header, when sent, is the key (the usual HTTP convention); the body field
                # is for clients that cannot set headers.
                data = SubmitInputSerializer(data={"idempotency_key": header})
                data.is_valid(raise_exception=True)
        except APIException:
            _get_attempt_for_user(request, pk)  # someone else's attempt stays 404 whatever the body
            raise
        try:
            # Ownership, lock and grading in one transaction; an attempt past its deadline and
            # grace is graded as closed at its deadline, as _get_attempt_for_user would.
            finished = attempt_submit(attempt_id=_pk_or_404(pk), user=request.user,
                                      key=data.validated_data.get("idempotency_key") or "")
        except AttemptNotFound:
            raise Http404 from None
        return Response(ResultOutputSerializer(finished, context=result_context(finished, request.user)).data)


class AttemptResultView(ApiView):
    @extend_schema(
        tags=[TAG],
        responses={
            200: ResultOutputSerializer, **AUTH_ERRORS, **NOT_FOUND,
            409: _error("The attempt is still in progress."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        """My score, whether I passed, the time taken; the review only when the quiz allows it, without
        the answers a running contest can draw (`answer_withheld`, `review_withheld`)."""
        attempt = _get_attempt_for_user(request, pk)
        if attempt.status == AttemptStatus.OPEN:
            raise AttemptNotFinished()
        return Response(ResultOutputSerializer(attempt, context=result_context(attempt, request.user)).data)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/ (a malformed id included): a JSON 404 in the API's shape, not
    Django's HTML page."""
    return JsonResponse({"detail": str(NotFound.default_detail), "code": "not_found"}, status=404)
