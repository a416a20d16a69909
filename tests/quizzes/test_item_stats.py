"""Item statistics: facility, discrimination (upper-lower 27 %), option frequencies, flags for
probably-wrong questions; the organiser's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from quizzes.models import Attempt
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from quizzes.stats import NEGATIVE_DISCRIMINATION, TOP_GROUP_PREFERS_WRONG, quiz_item_stats
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    """Four questions; the fourth's key says A but the strongest people all answer B, as they
    would if the key were wrong. Ten finished attempts:
    - three strong: Q1-Q3 right, Q4 "B" (score 3) — the upper 27 % group;
    - four middling: Q1-Q2 right, Q3 wrong, Q4 "B" (score 2);
    - three weak: Q1-Q3 wrong, Q4 "A" (score 1) — the lower group.
    Plus one open attempt, which never counts."""
    topic = make_topic()
    questions = [make_question(topic=topic, text=f"Câu thống kê {n}",
                               choices=[(f"A{n}", True), (f"B{n}", False), (f"C{n}", False)]) for n in range(1, 5)]
    quiz = make_quiz(questions=questions, shuffle_questions=False, shuffle_choices=False, slug="thong-ke",
                     attempts_allowed=None)
    plans = [("AAAB", 3), ("AABB", 4), ("BBBA", 3)]
    for letters, people in plans:
        for _ in range(people):
            attempt = start(quiz, make_user(role=Role.STAFF))
            for item, letter in zip(attempt.items.all(), letters, strict=True):
                chosen = [c["id"] for c in item.choices if c["text"].startswith(letter)]
                attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=chosen)
            attempt_submit(attempt=attempt)
    start(quiz, make_user(role=Role.STAFF))
    quiz.questions_in_order = questions
    return quiz


def test_facility_discrimination_and_option_counts(quiz, django_assert_num_queries):
    # the ranking, one pass over the answers, the questions, their choices
    with django_assert_num_queries(4):
        stats = quiz_item_stats(quiz)
    assert (stats.attempts, stats.group_size) == (10, 3)
    by_text = {item.question.text: item for item in stats.items}
    q1, q2, q3, q4 = (by_text[f"Câu thống kê {n}"] for n in range(1, 5))
    assert (q1.shown, q1.correct, q1.facility) == (10, 7, 0.7)
    assert q1.discrimination == 1.0
    assert q3.facility == pytest.approx(0.3) and q3.discrimination == 1.0
    assert q4.facility == pytest.approx(0.3)
    assert q4.discrimination == -1.0
    options = {o.text: (o.chosen, o.chosen_upper, o.chosen_lower, o.correct) for o in q4.options}
    assert options == {"A4": (3, 0, 3, True), "B4": (7, 3, 0, False), "C4": (0, 0, 0, False)}
    assert q4.options[1].share == pytest.approx(0.7)


def test_probably_wrong_questions_are_flagged(quiz):
    stats = quiz_item_stats(quiz)
    flagged = {item.question.text: item.flags for item in stats.items if item.flags}
    assert flagged == {"Câu thống kê 4": [NEGATIVE_DISCRIMINATION, TOP_GROUP_PREFERS_WRONG]}
    assert stats.flagged == 1


def test_a_single_attempt_has_no_discrimination(organiser):
    question = make_question()
    quiz = make_quiz(questions=[question])
    attempt_submit(attempt=start(quiz, organiser))
    item = quiz_item_stats(quiz).items[0]
    assert (item.shown, item.correct, item.discrimination, item.flags) == (1, 0, None, [])


def test_no_finished_attempt_means_no_rows(organiser):
    quiz = make_quiz(questions=[make_question()])
    start(quiz, organiser)
    stats = quiz_item_stats(quiz)
    assert (stats.attempts, stats.items) == (0, [])


# --- Pages -------------------------------------------------------------------------------------


def test_the_quiz_table_for_organisers(organiser_client, quiz, django_assert_num_queries):
    url = reverse("quizzes:quiz_stats", args=[quiz.slug])
    # session, user, the organiser check (2 permission queries), quiz, the 4 statistics queries
    with django_assert_num_queries(9):
        response = organiser_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Câu thống kê 4" in html and "-1,00" in html and "0,70" in html
    assert "Độ phân biệt âm" in html
    assert reverse("quizzes:quiz_question_stats", args=[quiz.slug, quiz.questions_in_order[3].pk]) in html


def test_the_question_detail_shows_how_often_each_option_was_chosen(organiser_client, quiz):
    question = quiz.questions_in_order[3]
    response = organiser_client.get(reverse("quizzes:quiz_question_stats", args=[quiz.slug, question.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "B4" in html and "70%" in html
    assert "Nhóm làm bài tốt nhất chọn một phương án sai nhiều hơn phương án đúng." in html


def test_a_question_not_in_the_quiz_has_no_detail(organiser_client, quiz):
    other = make_question()
    assert organiser_client.get(reverse("quizzes:quiz_question_stats", args=[quiz.slug, other.pk])).status_code == 404


def test_a_bank_question_links_to_its_statistics_in_each_quiz(organiser_client, quiz):
    question = quiz.questions_in_order[0]
    html = organiser_client.get(reverse("quizzes:question_stats", args=[question.pk])).content.decode()
    assert reverse("quizzes:quiz_question_stats", args=[quiz.slug, question.pk]) in html


@pytest.mark.parametrize("name", ["quiz_stats", "quiz_question_stats", "question_stats"])
def test_statistics_pages_are_for_organisers_only(client, staff_a_client, manager_client, organiser_client,
                                                  quiz, name):
    question = quiz.questions_in_order[0]
    args = {"quiz_stats": [quiz.slug], "quiz_question_stats": [quiz.slug, question.pk],
            "question_stats": [question.pk]}[name]
    url = reverse(f"quizzes:{name}", args=args)
    assert staff_a_client.get(url).status_code == 404
    assert manager_client.get(url).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert organiser_client.post(url).status_code == 405
    assert Attempt.objects.count() == 11
