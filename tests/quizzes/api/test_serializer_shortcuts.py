"""The shortcuts of the busiest requests (answer_input, answer_output, submit_input, result_output
in quizzes/api/serializers.py) agree with the serializers that are the API's contract: an input
shortcut takes only what its serializer takes as it is, with the same values, and an output is
the serializer's, value for value."""

from datetime import UTC, datetime

import pytest

from quizzes.api.serializers import (
    MAX_CHOICES,
    MAX_ID,
    AnswerInputSerializer,
    AnswerOutputSerializer,
    ResultOutputSerializer,
    SubmitInputSerializer,
    answer_input,
    answer_output,
    result_output,
    submit_input,
)
from quizzes.models import AttemptQuestion
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start

TAKEN_AS_THEY_ARE = [
    {"item": 1, "choices": []},
    {"item": 7, "choices": [3]},
    {"item": MAX_ID, "choices": [MAX_ID, 1]},
    {"item": 7, "choices": list(range(1, MAX_CHOICES + 1))},
    {"item": 7, "choices": [3], "extra": "ignored"},
]

LEFT_TO_THE_SERIALIZER = [
    [],
    "item",
    None,
    {},
    {"item": 7},
    {"choices": [3]},
    {"item": "7", "choices": [3]},  # the serializer converts it; the shortcut does not try
    {"item": 7, "choices": ["3"]},
    {"item": 7.0, "choices": [3]},
    {"item": True, "choices": [3]},
    {"item": 7, "choices": [False]},
    {"item": 0, "choices": [3]},
    {"item": -1, "choices": [3]},
    {"item": MAX_ID + 1, "choices": [3]},
    {"item": 7, "choices": [MAX_ID + 1]},
    {"item": 7, "choices": [0]},
    {"item": 7, "choices": list(range(1, MAX_CHOICES + 2))},
    {"item": 7, "choices": 3},
    {"item": 7, "choices": {"a": 3}},
    {"item": 7, "choices": [[3]]},
    {"item": None, "choices": [3]},
]


@pytest.mark.parametrize("body", TAKEN_AS_THEY_ARE)
def test_a_well_formed_body_is_taken_with_the_serializers_values(body):
    serializer = AnswerInputSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert answer_input(body) == (serializer.validated_data["item"], serializer.validated_data["choices"])


@pytest.mark.parametrize("body", LEFT_TO_THE_SERIALIZER)
def test_anything_else_is_left_to_the_serializer(body):
    assert answer_input(body) is None


@pytest.mark.parametrize("answered_at", [
    datetime(2026, 11, 27, 5, 30, 12, 345678, tzinfo=UTC),
    datetime(2026, 11, 27, 17, 0, tzinfo=UTC),  # no microseconds: no fraction printed
])
@pytest.mark.parametrize("selected", [[], [5], [5, 9]])
def test_the_output_is_the_serializers(answered_at, selected):
    item = AttemptQuestion(pk=41, selected=selected, answered_at=answered_at)
    assert answer_output(item) == AnswerOutputSerializer(item).data
    assert answer_output(item)["answered_at"].endswith("+07:00")  # in the site's time zone


@pytest.mark.parametrize(("body", "header"), [
    ({}, None),
    ({}, "k-1"),
    ({}, "0f8fad5b-d9cb-469f-a165-70867728950e"),
    ({"idempotency_key": "k-2"}, None),
    ({"idempotency_key": "~" * 64}, None),
])
def test_a_well_formed_submit_is_taken_with_the_serializers_key(body, header):
    serializer = SubmitInputSerializer(data=body if header is None else {"idempotency_key": header})
    assert serializer.is_valid(), serializer.errors
    assert submit_input(body, header) == (serializer.validated_data.get("idempotency_key") or "")


@pytest.mark.parametrize(("body", "header"), [
    ([], None),
    ({"idempotency_key": "k"}, "k"),  # both: the serializer checks the body, then the header wins
    ({"idempotency_key": ""}, None),
    ({"idempotency_key": " k "}, None),  # the serializer trims it
    ({"idempotency_key": "k" * 65}, None),
    ({"idempotency_key": "khóa"}, None),
    ({"idempotency_key": 5}, None),
    ({"idempotency_key": "k", "other": 1}, None),
    ({}, ""),
    ({}, "k k"),
    ({}, "k" * 65),
])
def test_any_other_submit_is_left_to_the_serializer(body, header):
    assert submit_input(body, header) is None


@pytest.mark.django_db
@pytest.mark.parametrize("review", [True, False])
def test_the_result_is_the_serializers(staff_a, review):
    attempt = start(make_quiz_with_questions(3), staff_a)
    first = attempt.items.order_by("position").first()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first))
    finished = attempt_submit(attempt=attempt)
    expected = ResultOutputSerializer(finished, context={"review": review}).data
    assert result_output(finished, review=review) == expected
    assert (expected["score"], expected["max_score"]) == (1, 3)
    assert (expected["review"] is None) is not review
