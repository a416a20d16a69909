"""The answer save's shortcuts (answer_input, answer_output in quizzes/api/serializers.py) agree
with the serializers that are the API's contract: the input shortcut takes only bodies the
serializer takes as they are, with the same values, and the output is the serializer's, byte for byte."""

from datetime import UTC, datetime

import pytest

from quizzes.api.serializers import (
    MAX_CHOICES,
    MAX_ID,
    AnswerInputSerializer,
    AnswerOutputSerializer,
    answer_input,
    answer_output,
)
from quizzes.models import AttemptQuestion

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
