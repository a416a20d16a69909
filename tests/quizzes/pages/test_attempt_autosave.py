"""The htmx autosave of one answer (POST /quizzes/attempts/<id>/answer/), the request people make
most: the fragment it answers, every refusal, answers after the grace period, and its cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from quizzes.models import AttemptStatus
from tests.quizzes.attempt_factories import (
    correct_ids,
    start,
)
from tests.quizzes.pages.helpers import GRACE, HTMX, right, snapshot

pytestmark = pytest.mark.django_db


# --- With htmx: each answer autosaved --------------------------------------------------------------


def test_an_htmx_autosave_returns_only_the_saved_fragment(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    item = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                   {"item": item.pk, f"a{item.pk}": right(item)}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert re.fullmatch(r"\s*Đã lưu lúc \d\d:\d\d:\d\d\s*", html)
    item.refresh_from_db()
    assert item.selected == correct_ids(item)


def test_the_attempt_page_wires_each_question_to_the_autosave(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    html = staff_a_client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).content.decode()
    item = attempt.items.first()
    assert f'hx-post="{reverse("quizzes:attempt_answer", args=[attempt.pk])}"' in html
    assert 'hx-trigger="change"' in html
    assert f'hx-params="item,a{item.pk}"' in html
    assert f'id="saved-{item.pk}" aria-live="polite"' in html


def test_a_plain_post_to_the_autosave_goes_back_to_the_question_page(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    item = attempt.items.get(position=7)
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                   {"item": item.pk, f"a{item.pk}": "1"})
    assert response["Location"] == reverse("quizzes:attempt_take", args=[attempt.pk]) + "?page=2"
    item.refresh_from_db()
    assert item.selected == [item.choices[0]["id"]]


@pytest.mark.parametrize("bad", ["foreign", "missing", "garbage", "two", "out_of_range"])
def test_a_bad_autosave_says_why_and_saves_nothing(staff_a_client, staff_a, staff_b, quiz, bad):
    attempt = start(quiz, staff_a)
    item = attempt.items.first()
    foreign = start(quiz, staff_b).items.first()
    data = {
        "foreign": {"item": foreign.pk, f"a{foreign.pk}": "1"},
        "missing": {f"a{item.pk}": "1"},
        "garbage": {"item": "abc", f"a{item.pk}": "1"},
        "two": {"item": item.pk, f"a{item.pk}": ["1", "2"]},
        "out_of_range": {"item": item.pk, f"a{item.pk}": "7"},
    }[bad]
    before = snapshot(attempt), snapshot(foreign.attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Câu trả lời này không thuộc câu hỏi này." in html or "Câu hỏi này chỉ có đúng một đáp án." in html
    assert (snapshot(attempt), snapshot(foreign.attempt)) == before


def test_an_answer_after_the_grace_period_is_refused_and_the_attempt_closed(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + GRACE + 1))
    item = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                   {"item": item.pk, f"a{item.pk}": "1"}, **HTMX)
    assert response.status_code == 409
    assert "Lượt làm bài này đã đóng: đã hết giờ hoặc bài đã được nộp." in response.content.decode()
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert item.selected == []


def test_a_page_post_after_the_grace_period_saves_nothing_and_shows_the_result(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + GRACE + 1))
    item = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                   {f"a{item.pk}": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt_result", args=[attempt.pk])
    assert "Đã hết giờ" in response.content.decode()
    item.refresh_from_db()
    assert item.selected == []


def test_opening_an_overdue_attempt_closes_it_with_what_was_saved(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + GRACE + 1))
    response = staff_a_client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED


# --- Cost ------------------------------------------------------------------------------------------


def test_an_autosave_reads_the_item_with_its_attempt_then_writes_it(staff_a_client, staff_a, quiz,
                                                                    django_assert_num_queries):
    attempt = start(quiz, staff_a)
    item = attempt.items.first()
    # The session and its person; then, in one transaction (a savepoint inside the test's), the
    # item with its attempt (whose, open, in time; the attempt's row locked on PostgreSQL) and the
    # answer's UPDATE. The fragment needs nothing more (the page header's permissions are read
    # only by pages that show them).
    with django_assert_num_queries(6) as captured:
        response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                       {"item": item.pk, f"a{item.pk}": right(item)}, **HTMX)
    assert response.status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[2].startswith("SAVEPOINT") and statements[5].startswith("RELEASE SAVEPOINT")
    assert statements[3].startswith("SELECT") and '"quizzes_attempt"' in statements[3]
    assert ("FOR UPDATE" in statements[3]) is connection.features.has_select_for_update
    assert statements[4].startswith('UPDATE "quizzes_attemptquestion"')
