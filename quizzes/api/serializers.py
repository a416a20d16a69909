"""Input and output serializers of the quiz API, kept apart: inputs validate what a client may
send, outputs say exactly what it gets back (and, during an attempt, never a correct flag or an
explanation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.models import AttemptQuestion, AttemptStatus, QuestionType
from quizzes.services.attempts import withheld_ids

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


class SubmitInputSerializer(serializers.Serializer):
    idempotency_key = StrictRegexField(
        IDEMPOTENCY_KEY_PATTERN, required=False, help_text=IDEMPOTENCY_KEY_HELP,
        error_messages={"invalid": _("The idempotency key must be 1 to 64 visible ASCII characters.")},
    )


class ReviewChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = serializers.BooleanField(allow_null=True, help_text=_("Null when the item's answer is withheld."))


class ReviewItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text = serializers.CharField()
    choices = ReviewChoiceSerializer(many=True)
    selected = serializers.ListField(child=serializers.IntegerField())
    is_correct = serializers.BooleanField(allow_null=True)
    explanation = serializers.CharField(allow_blank=True)
    answer_withheld = serializers.BooleanField(
        help_text=_("True when the right answer is hidden for now (a contest that can draw the question is "
                    "still running): no correct flag, no explanation, no right or wrong."),
    )


class WithheldSerializer(serializers.Serializer):
    reason = serializers.CharField()
    until = serializers.DateTimeField(allow_null=True, help_text=_("When the hidden answers will be shown."))


def _review_row(item: AttemptQuestion, hidden: frozenset[int]) -> dict:
    withheld = item.question_id in hidden
    return {
        "position": item.position, "type": item.type, "text": item.text, "selected": item.selected,
        "choices": [{"id": c["id"], "text": c["text"], "correct": None if withheld else c["correct"]}
                    for c in item.choices],
        "is_correct": None if withheld else item.is_correct,
        "explanation": "" if withheld else item.explanation,
        "answer_withheld": withheld,
    }


class ResultOutputSerializer(serializers.Serializer):
    """A finished attempt. `review` (correct choices, explanations) is null unless the quiz's
    review policy allows it now; even then the answers of questions a running contest can draw
    are withheld from people who can take part (`answer_withheld`, `review_withheld`)."""

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
    review_withheld = serializers.SerializerMethodField()

    def get_time_taken_seconds(self, attempt) -> float:
        return round((attempt.duration_ms or 0) / 1000, 3)

    @extend_schema_field(ReviewItemSerializer(many=True, allow_null=True))
    def get_review(self, attempt) -> list[dict] | None:
        if not self.context.get("review"):
            return None
        hidden = withheld_ids(self.context.get("withheld", []))
        return ReviewItemSerializer([_review_row(item, hidden) for item in attempt.items.all()], many=True).data

    @extend_schema_field(WithheldSerializer(many=True))
    def get_review_withheld(self, attempt) -> list[dict]:
        """Why some answers of the review are hidden, and until when (empty when none is)."""
        return WithheldSerializer(self.context.get("withheld", []), many=True).data
