"""After an attempt: the result with its review (as the quiz's review policy allows), the list of
one's attempts, and the command that closes overdue ones."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, AttemptStatus, ReviewPolicy
from quizzes.services.attempts import attempt_submit
from tests.quizzes.attempt_factories import (
    correct_ids,
    start,
)
from tests.quizzes.pages.helpers import GRACE

pytestmark = pytest.mark.django_db


# --- Result and review -----------------------------------------------------------------------------


def _finished(quiz, user, right: int = 1) -> Attempt:
    attempt = start(quiz, user)
    for item in list(attempt.items.all())[:right]:
        item.selected = correct_ids(item)
        item.save()
    return attempt_submit(attempt=attempt)


def test_the_result_shows_score_time_and_the_review(staff_a_client, staff_a, quiz):
    attempt = _finished(quiz, staff_a, right=2)
    html = staff_a_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert "2/3" in html.replace(" trên ", "/").replace(" of ", "/") or "2 / 3" in html
    assert re.search(r"\d\d:\d\d", html)
    assert "Giải thích đáp án." in html
    assert "(đáp án đúng)" in html
    assert "(câu trả lời của bạn)" in html


def test_the_result_of_an_open_attempt_goes_back_to_the_attempt(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    response = staff_a_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:attempt_take", args=[attempt.pk])


def test_no_review_when_the_quiz_never_shows_answers(staff_a_client, staff_a, quiz):
    quiz.review_policy = ReviewPolicy.NEVER
    quiz.save()
    html = staff_a_client.get(reverse("quizzes:attempt_result", args=[_finished(quiz, staff_a).pk])).content.decode()
    assert "Bài kiểm tra này không hiển thị đáp án đúng." in html
    assert "Giải thích đáp án." not in html


def test_review_after_close_says_when_it_opens(staff_a_client, staff_a, quiz):
    quiz.review_policy = ReviewPolicy.AFTER_CLOSE
    quiz.closes_at = timezone.make_aware(timezone.datetime(2031, 3, 9, 17, 0))
    quiz.save()
    html = staff_a_client.get(reverse("quizzes:attempt_result", args=[_finished(quiz, staff_a).pk])).content.decode()
    assert "09/03/2031 17:00" in html
    assert "Giải thích đáp án." not in html


def test_my_attempts_lists_them_with_a_pinned_number_of_queries(staff_a_client, staff_a, quiz,
                                                               django_assert_num_queries):
    quiz.attempts_allowed = None
    quiz.save()
    for _ in range(3):
        _finished(quiz, staff_a)
    start(quiz, staff_a)
    url = reverse("quizzes:attempt_list", args=[quiz.slug])
    # session, user, quiz, the quiz gates of training modules and contest rounds, attempts, and
    # the two permission look-ups of the page header; none per attempt.
    with django_assert_num_queries(8):
        response = staff_a_client.get(url)
    html = response.content.decode()
    assert html.count(reverse("quizzes:attempt_result", args=[quiz.attempts.get(number=1).pk])) == 1
    assert "Tiếp tục" in html


def test_my_attempts_refuses_other_methods_anonymous_and_outsiders(client, staff_a_client, resident_client,
                                                                   staff_quiz):
    url = reverse("quizzes:attempt_list", args=[staff_quiz.slug])
    assert staff_a_client.post(url).status_code == 405
    assert client.get(url).status_code == 302
    assert resident_client.get(url).status_code == 404


def test_the_command_closes_overdue_attempts(staff_a, quiz, capsys):
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + GRACE + 1))
    call_command("close_overdue_attempts")
    assert "Closed 1 overdue attempt(s)." in capsys.readouterr().out
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
