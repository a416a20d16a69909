"""An id in an address that no database row can have (past 64 bits) names nothing: a 404 like
any missing object, never a 500 (the quality bar: bad input is a 4xx, never a 500)."""

import pytest
from django.urls import reverse

from tests.quizzes.attempt_factories import make_quiz_with_questions

pytestmark = pytest.mark.django_db


def test_a_question_id_past_64_bits_in_the_item_statistics_is_a_404(organiser_client):
    quiz = make_quiz_with_questions(2)
    response = organiser_client.get(reverse("quizzes:quiz_question_stats", args=[quiz.slug, 2**70]))
    assert response.status_code == 404
