"""The attempt pages' fixtures: the quizzes they take, and a grace period of GRACE seconds."""

import pytest

from quizzes.models import Audience
from tests.quizzes.attempt_factories import make_question, make_quiz, make_quiz_with_questions, make_topic
from tests.quizzes.pages.helpers import GRACE


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.ATTEMPT_GRACE_SECONDS = GRACE


@pytest.fixture
def quiz():
    return make_quiz_with_questions(3, title="Tìm hiểu Nghị quyết 76", slug="nq76", audience=Audience.BOTH,
                                    shuffle_questions=False, shuffle_choices=False, pass_mark_percent=60)


@pytest.fixture
def staff_quiz():
    return make_quiz_with_questions(2, slug="noi-bo", audience=Audience.STAFF)


@pytest.fixture
def long_quiz():
    topic = make_topic()
    return make_quiz(questions=[make_question(topic=topic) for _ in range(12)], shuffle_questions=False,
                     slug="dai")
