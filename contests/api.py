"""The contest's API: submitting a round's attempt with its tie-break prediction, the same rule
as the contest's submit page (contests.services.attempt_submit_with_prediction). Authentication,
body limits and the error shape are the quiz API's (quizzes.api.views.ApiView, config/api.py).

The engine's own submit (`/api/attempts/<id>/submit/`) still closes a round's attempt, as the
timer does: without a prediction, which can never be added afterwards."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from contests.models import QUIZ_ROUND, Round
from contests.services import PREDICTION_MAX, attempt_submit_with_prediction
from quizzes.api.serializers import (
    IDEMPOTENCY_KEY_HELP,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_ID,
    ErrorSerializer,
    ResultOutputSerializer,
    StrictRegexField,
)
from quizzes.api.views import AUTH_ERRORS, BODY_ERRORS, NOT_FOUND, ApiView, result_context
from quizzes.services.attempts import attempt_expire_if_overdue


class RoundSubmitInputSerializer(serializers.Serializer):
    prediction = serializers.IntegerField(
        min_value=0, max_value=PREDICTION_MAX,
        help_text=_("The tie-break guess, given with the submit: it cannot be added or changed afterwards."),
        error_messages={"required": _("Enter your prediction: a whole number from 0 to 10,000,000."),
                        "invalid": _("The prediction must be a whole number from 0 to 10,000,000."),
                        "min_value": _("The prediction must be a whole number from 0 to 10,000,000."),
                        "max_value": _("The prediction must be a whole number from 0 to 10,000,000.")},
    )
    idempotency_key = StrictRegexField(
        IDEMPOTENCY_KEY_PATTERN, required=False, help_text=IDEMPOTENCY_KEY_HELP,
        error_messages={"invalid": _("The idempotency key must be 1 to 64 visible ASCII characters.")},
    )


class RoundSubmitView(ApiView):
    @extend_schema(
        tags=["contest"], request=RoundSubmitInputSerializer,
        responses={
            200: ResultOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid input: `errors` names each wrong field."),
            **AUTH_ERRORS, **NOT_FOUND, **BODY_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description=(
                "Refused: `prediction_too_late` (the attempt is already closed, by a submit or its timer: the "
                "prediction is final, given with the submit) or `round_closed`.")),
        },
        description="Submit my attempt at a contest round with my prediction. A second post with the same "
                    "idempotency key gets the same result.",
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = (request.user.attempts.select_related("contest_prediction", *(f"quiz__{n}" for n in QUIZ_ROUND))
                   .filter(pk=pk if pk <= MAX_ID else 0).first())
        round_ = Round.objects.for_quiz(attempt.quiz) if attempt is not None else None
        if round_ is None:
            raise Http404  # someone else's attempt, or not a round's, is a 404 like a missing one
        data = RoundSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        graded = attempt_submit_with_prediction(
            attempt=attempt_expire_if_overdue(attempt), round_=round_, prediction=data.validated_data["prediction"],
            key=data.validated_data.get("idempotency_key") or "")
        return Response(ResultOutputSerializer(graded, context=result_context(graded, request.user)).data)


app_name = "contests_api"

urlpatterns = [
    path("attempts/<int:pk>/submit/", RoundSubmitView.as_view(), name="round_submit"),
]
