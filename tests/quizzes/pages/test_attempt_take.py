"""Taking an attempt in the browser without JavaScript: the attempt page, one form post per page,
the confirmation page and the submit (idempotent), the countdown at zero."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import AttemptStatus, QuestionType
from tests.quizzes.attempt_factories import (
    correct_ids,
    make_question,
    make_quiz,
    start,
)
from tests.quizzes.pages.helpers import right, snapshot

pytestmark = pytest.mark.django_db


# --- The attempt page --------------------------------------------------------------------------


def test_the_attempt_page_shows_every_question_and_the_deadline(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    response = staff_a_client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="radio"') == 9
    seconds_left = int(re.search(r'data-seconds-left="(\d+)"', html)[1])
    assert quiz.time_limit_seconds - 5 <= seconds_left <= quiz.time_limit_seconds
    local_deadline = timezone.localtime(attempt.deadline).strftime("%H:%M")
    assert f"Hết giờ lúc {local_deadline}" in html
    assert 'name="key"' in html
    assert "js/countdown.js" in html


def test_the_question_text_is_rendered_as_sanitised_markdown(staff_a_client, staff_a):
    question = make_question(text="**Quan trọng**: <script>alert(1)</script>")
    attempt = start(make_quiz(questions=[question]), staff_a)
    html = staff_a_client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).content.decode()
    assert "<strong>Quan trọng</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_multiple_choice_question_has_checkboxes(staff_a_client, staff_a):
    attempt = start(make_quiz(questions=[make_question(type=QuestionType.MULTIPLE)]), staff_a)
    html = staff_a_client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).content.decode()
    assert html.count('type="checkbox"') == 4


@pytest.mark.parametrize("name", ["attempt_take", "attempt_answer", "attempt_submit", "attempt_result"])
def test_someone_elses_attempt_is_not_found(staff_b_client, staff_a, quiz, name):
    attempt = start(quiz, staff_a)
    before = snapshot(attempt)
    url = reverse(f"quizzes:{name}", args=[attempt.pk])
    item = attempt.items.first()
    assert staff_b_client.post(url, {"item": item.pk, f"a{item.pk}": "1", "key": "x"}).status_code in {404, 405}
    if name != "attempt_answer":
        assert staff_b_client.get(url).status_code == 404
    assert snapshot(attempt) == before


@pytest.mark.parametrize("name", ["attempt_take", "attempt_submit", "attempt_result"])
def test_attempt_pages_send_anonymous_visitors_to_log_in(client, staff_a, quiz, name):
    attempt = start(quiz, staff_a)
    response = client.get(reverse(f"quizzes:{name}", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_attempt_pages_refuse_other_methods(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    assert staff_a_client.put(reverse("quizzes:attempt_take", args=[attempt.pk])).status_code == 405
    assert staff_a_client.get(reverse("quizzes:attempt_answer", args=[attempt.pk])).status_code == 405
    assert staff_a_client.post(reverse("quizzes:attempt_result", args=[attempt.pk])).status_code == 405
    assert staff_a_client.delete(reverse("quizzes:attempt_submit", args=[attempt.pk])).status_code == 405


# --- Without JavaScript: one form post per page --------------------------------------------------


def test_plain_posts_save_each_page_and_resume_with_every_answer(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    items = list(attempt.items.all())
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    page1 = staff_a_client.get(url).content.decode()
    assert page1.count("<fieldset") == 5
    assert "Trang 1/3" in page1 or "Trang 1 / 3" in page1 or "Trang 1 trên 3" in page1

    response = staff_a_client.post(url, {f"a{items[0].pk}": right(items[0]), f"a{items[1].pk}": "2",
                                         "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2"
    response = staff_a_client.post(f"{url}?page=3", {f"a{items[11].pk}": right(items[11]), "action": "next"})
    assert response["Location"] == reverse("quizzes:attempt_submit", args=[attempt.pk])

    # Reloading (or coming back after a lost connection) shows every saved answer checked.
    again = staff_a_client.get(url).content.decode()
    checked = re.findall(rf'name="a{items[0].pk}"[^>]*value="(\d)" checked', again)
    assert checked == [right(items[0])]
    assert re.findall(rf'name="a{items[1].pk}"[^>]*value="(\d)" checked', again) == ["2"]
    assert "Đã lưu lúc" in again
    saved = {i.pk: i.selected for i in attempt.items.all()}
    assert saved[items[0].pk] == correct_ids(items[0])
    assert saved[items[11].pk] == correct_ids(items[11])
    assert sum(1 for s in saved.values() if s) == 3


def test_a_previous_button_saves_and_goes_back(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    item = attempt.items.get(position=6)
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    response = staff_a_client.post(f"{url}?page=2", {f"a{item.pk}": "1", "action": "previous"})
    assert response["Location"] == url
    item.refresh_from_db()
    assert item.selected == [item.choices[0]["id"]]


@pytest.mark.parametrize("value", [["9"], ["1", "2"], ["x"]])
def test_a_bad_page_post_saves_nothing_and_says_why(staff_a_client, staff_a, quiz, value):
    attempt = start(quiz, staff_a)
    first, second, _third = attempt.items.all()
    before = snapshot(attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                   {f"a{first.pk}": right(first), f"a{second.pk}": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Câu trả lời này không thuộc câu hỏi này." in html) or ("Câu hỏi này chỉ có đúng một đáp án." in html)
    assert snapshot(attempt) == before


def test_unticking_every_box_of_a_multiple_choice_question_clears_it(staff_a_client, staff_a):
    attempt = start(make_quiz(questions=[make_question(type=QuestionType.MULTIPLE)]), staff_a)
    item = attempt.items.get()
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    staff_a_client.post(url, {f"a{item.pk}": ["1", "3"], "action": "next"})
    item.refresh_from_db()
    assert sorted(item.selected) == sorted([item.choices[0]["id"], item.choices[2]["id"]])
    staff_a_client.post(url, {"action": "next"})
    item.refresh_from_db()
    assert item.selected == []


def test_confirm_lists_unanswered_questions_and_submit_is_idempotent(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    first = attempt.items.first()
    staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), {f"a{first.pk}": right(first)})
    url = reverse("quizzes:attempt_submit", args=[attempt.pk])
    confirm = staff_a_client.get(url).content.decode()
    assert "Câu 2" in confirm and "Câu 3" in confirm and "Câu 1<" not in confirm
    key = re.search(r'name="key" value="([0-9a-f]{32})"', confirm)[1]
    first_post = staff_a_client.post(url, {"key": key})
    second_post = staff_a_client.post(url, {"key": key})
    result = reverse("quizzes:attempt_result", args=[attempt.pk])
    assert first_post["Location"] == second_post["Location"] == result
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.submit_key) == (AttemptStatus.SUBMITTED, 1, key)


def test_a_submit_with_an_oversized_key_changes_nothing(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    before = snapshot(attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), {"key": "k" * 65})
    assert response.status_code == 400
    assert "Không đọc được yêu cầu nộp bài" in response.content.decode()
    assert snapshot(attempt) == before


def test_the_countdown_at_zero_saves_the_page_and_submits(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    first = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                   {f"a{first.pk}": right(first), "action": "timeout", "key": "abc"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.submit_key) == (AttemptStatus.SUBMITTED, 1, "abc")
