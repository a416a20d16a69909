"""A module's quiz opens to that module's learners once every lesson is read: the training rule
plugged into the quiz engine (quizzes.access.quiz_available_to) and its pages."""

from django.urls import reverse

from quizzes.access import quiz_available_to
from tests.quizzes.attempt_factories import make_quiz_with_questions
from tests.training.factories import read_all
from training.services import lesson_mark_read


def test_the_quiz_stays_closed_until_every_lesson_is_read(staff_a, module, lessons, assignment):
    assert not quiz_available_to(module.quiz, staff_a)
    for lesson in lessons[:-1]:
        lesson_mark_read(user=staff_a, lesson=lesson)
    assert not quiz_available_to(module.quiz, staff_a)
    lesson_mark_read(user=staff_a, lesson=lessons[-1])
    assert quiz_available_to(module.quiz, staff_a)


def test_the_quiz_page_is_not_found_before_and_found_after(staff_a_client, staff_a, module, assignment):
    url = reverse("quizzes:quiz_detail", args=[module.quiz.slug])
    assert staff_a_client.get(url).status_code == 404
    read_all(module, staff_a)
    assert staff_a_client.get(url).status_code == 200


def test_someone_who_may_not_study_the_module_never_gets_its_quiz(resident, module):
    assert not quiz_available_to(module.quiz, resident)


def test_quizzes_of_no_module_are_not_our_business(staff_a):
    assert quiz_available_to(make_quiz_with_questions(2), staff_a)
