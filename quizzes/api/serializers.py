"""Input and output serializers of the quiz API, kept apart: inputs validate what a client may
send, outputs say exactly what it gets back (and, during an attempt, never a correct flag or an
explanation)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.models import AttemptQuestion, AttemptStatus, QuestionType
from quizzes.services.attempts import SavedAnswer

# Ids are 64-bit in the database: a larger number would overflow the driver instead of
# simply matching nothing.
MAX_ID = 2**63 - 1
# The import formats allow options A–F; ten leaves room without letting a list grow unbounded.
MAX_CHOICES = 10
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,64}$"
IDEMPOTENCY_KEY_HELP = _("1 to 64 visible ASCII characters, e.g. a UUID made by the client.")


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's CharField would quietly take 123 for "123", which the
    schema (type: string) says is wrong."""

    default_error_messages = {"invalid": serializers.CharField.default_error_messages["invalid"]}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictRegexField(StrictCharField, serializers.RegexField):
    pass


# --- Errors ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (config/api.py)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.JSONField(), required=False,
                                   help_text=_("Field errors, on validation failures only."))


# --- Authentication ----------------------------------------------------------------------------


# Django refuses NUL characters in any text field; saying so in the schema (as a pattern) keeps
# clients, and schemathesis, from sending what can only be refused.
NO_NUL = r"^[^\x00]*$"


class TokenInputSerializer(serializers.Serializer):
    # Not trimmed here: the schema cannot say which characters Python counts as white space, so a
    # login of only spaces reaches the backend (which trims it) and is refused as wrong (401).
    username = StrictRegexField(NO_NUL, min_length=1, max_length=254, trim_whitespace=False,
                                help_text=_("Phone number or email address."))
    password = StrictRegexField(NO_NUL, min_length=1, max_length=128, trim_whitespace=False,
                                style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- Quizzes -----------------------------------------------------------------------------------


class QuizListQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    help_text=_("A page number within the paginated result set."))


class QuizOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    time_limit_seconds = serializers.IntegerField()
    pass_mark_percent = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField(allow_null=True, help_text=_("Null means unlimited."))
    attempts_left = serializers.IntegerField(allow_null=True, help_text=_("Null means unlimited."))
    open_attempt = serializers.IntegerField(allow_null=True, help_text=_("The id of my attempt in progress."))
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)


# --- Attempts ----------------------------------------------------------------------------------


class PublicChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class AttemptItemOutputSerializer(serializers.Serializer):
    """A question as shown during the attempt: its choices without any hint of the answer."""

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text = serializers.CharField()
    choices = serializers.SerializerMethodField()
    selected = serializers.ListField(child=serializers.IntegerField())
    answered_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(PublicChoiceSerializer(many=True))
    def get_choices(self, item: AttemptQuestion) -> list[dict]:
        return PublicChoiceSerializer(item.public_choices(), many=True).data


class AttemptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField(source="quiz_id")
    quiz_title = serializers.CharField(source="quiz.title")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    seconds_left = serializers.SerializerMethodField()
    items = AttemptItemOutputSerializer(many=True)

    def get_seconds_left(self, attempt) -> int:
        return attempt.seconds_left() if attempt.is_open else 0


class AnswerInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The id of the attempt's item."))
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_CHOICES,
        help_text=_("The ids of the chosen choices; an empty list clears the answer."),
    )


class AnswerOutputSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="pk")
    choices = serializers.ListField(source="selected", child=serializers.IntegerField())
    answered_at = serializers.DateTimeField()


# An answer save is the API's most frequent request, and a DRF serializer deep-copies its fields
# each time it is made: for this one flat body, in and out, that was a fifth of the request (make
# bench). The functions below (and result_output, for a submit) do the common case directly; the
# serializers remain the contract (the OpenAPI schema) and the judge of everything else, and a
# test holds them equal.
_DATETIME = serializers.DateTimeField()


def answer_input(data) -> tuple[int, list[int]] | None:
    """(item, choices) of a body that AnswerInputSerializer would take as it is: plain integers in
    range, at most MAX_CHOICES of them. None for anything else, which the serializer then judges
    (and refuses, or converts: "5" for 5)."""
    if type(data) is not dict:
        return None
    item, choices = data.get("item"), data.get("choices")
    if type(item) is not int or not 1 <= item <= MAX_ID or type(choices) is not list or len(choices) > MAX_CHOICES:
        return None
    if not all(type(choice) is int and 1 <= choice <= MAX_ID for choice in choices):
        return None
    return item, choices


def answer_output(item: AttemptQuestion | SavedAnswer) -> dict:
    """AnswerOutputSerializer(item).data, without making the serializer."""
    return {"item": item.pk, "choices": item.selected, "answered_at": _DATETIME.to_representation(item.answered_at)}


class SubmitInputSerializer(serializers.Serializer):
    idempotency_key = StrictRegexField(
        IDEMPOTENCY_KEY_PATTERN, required=False, help_text=IDEMPOTENCY_KEY_HELP,
        error_messages={"invalid": _("The idempotency key must be 1 to 64 visible ASCII characters.")},
    )


_PLAIN_KEY = re.compile(r"[\x21-\x7e]{1,64}")


def submit_input(data, header: str | None) -> str | None:
    """The idempotency key ("" for none) of a submit that SubmitInputSerializer would take as it
    is: the key in the header (an empty body) or in the body (no header), plain visible ASCII.
    None for anything else, which the serializer then judges."""
    if type(data) is not dict:
        return None
    if header is not None:
        return header if not data and _PLAIN_KEY.fullmatch(header) else None
    key = data.get("idempotency_key")
    if not data:
        return ""
    if len(data) == 1 and type(key) is str and _PLAIN_KEY.fullmatch(key):
        return key
    return None


class ReviewChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = serializers.BooleanField()


class ReviewItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text = serializers.CharField()
    choices = ReviewChoiceSerializer(many=True)
    selected = serializers.ListField(child=serializers.IntegerField())
    is_correct = serializers.BooleanField(allow_null=True)
    explanation = serializers.CharField(allow_blank=True)


class ResultOutputSerializer(serializers.Serializer):
    """A finished attempt. `review` (correct choices, explanations) is null unless the quiz's
    review policy allows it now."""

    id = serializers.IntegerField()
    quiz = serializers.IntegerField(source="quiz_id")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField()
    score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    score_percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    passed = serializers.BooleanField()
    time_taken_seconds = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    def get_time_taken_seconds(self, attempt) -> float:
        return _time_taken_seconds(attempt)

    @extend_schema_field(ReviewItemSerializer(many=True, allow_null=True))
    def get_review(self, attempt) -> list[dict] | None:
        return _review(attempt) if self.context.get("review") else None


def _time_taken_seconds(attempt) -> float:
    return round((attempt.duration_ms or 0) / 1000, 3)


def _review(attempt) -> list[dict]:
    # Plain dicts in ReviewItemSerializer's shape: nesting serializers for every item and choice
    # was a fifth of a submit's time (make bench).
    return [
        {"position": item.position, "type": item.type, "text": item.text,
         "choices": [{"id": c["id"], "text": c["text"], "correct": c["correct"]} for c in item.choices],
         "selected": item.selected, "is_correct": item.is_correct, "explanation": item.explanation}
        for item in attempt.items.all()
    ]


_SCORE_PERCENT = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)


def result_output(attempt, *, review: bool) -> dict:
    """ResultOutputSerializer(attempt, context={"review": review}).data, without making the
    serializer (a submit answers with it; see answer_input above)."""
    return {
        "id": attempt.id, "quiz": attempt.quiz_id, "number": attempt.number, "status": attempt.status,
        "started_at": _DATETIME.to_representation(attempt.started_at),
        "submitted_at": _DATETIME.to_representation(attempt.submitted_at) if attempt.submitted_at else None,
        "score": attempt.score, "max_score": attempt.max_score,
        "score_percent": (_SCORE_PERCENT.to_representation(attempt.score_percent)
                          if attempt.score_percent is not None else None),
        "passed": attempt.passed, "time_taken_seconds": _time_taken_seconds(attempt),
        "review": _review(attempt) if review else None,
    }
