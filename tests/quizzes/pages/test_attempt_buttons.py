"""Every button of the attempt page saves the page's answers before going anywhere (a phone
without JavaScript sends nothing else): save, next, previous, a page's number, review and submit;
the review page lists answered and unanswered questions before the submit page; the page says
how saving works; the page save goes through the engine's service, refusals included."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, AttemptStatus
from quizzes.services.attempts import attempt_save_page, attempt_submit
from quizzes.services.errors import AttemptClosed
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start, wrong_ids
from tests.quizzes.pages.helpers import right, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_questions():
    return make_quiz_with_questions(10, slug="muoi-cau", shuffle_questions=False, shuffle_choices=False)


def _take_url(attempt: Attempt, page: int = 1) -> str:
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    return f"{url}?page={page}" if page > 1 else url


def _submit_key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', html)[1]


# --- The bug: three answers chosen, the submit link pressed, scored 0/10 -----------------------


def test_the_submit_button_saves_the_chosen_answers_then_they_are_graded(staff_a_client, staff_a, ten_questions):
    attempt = start(ten_questions, staff_a)
    items = list(attempt.items.all())
    chosen = {f"a{item.pk}": right(item) for item in items[:3]}
    response = staff_a_client.post(_take_url(attempt), {**chosen, "action": "submit", "key": "x"})
    submit_url = reverse("quizzes:attempt_submit", args=[attempt.pk])
    assert response.status_code == 302
    assert response["Location"] == submit_url
    assert [i.selected for i in attempt.items.all()][:3] == [correct_ids(i) for i in items[:3]]

    confirm = staff_a_client.get(submit_url).content.decode()
    staff_a_client.post(submit_url, {"key": _submit_key(confirm)})
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.max_score) == (AttemptStatus.SUBMITTED, 3, 10)


def test_the_submit_is_a_button_of_the_form_not_a_link(staff_a_client, staff_a, ten_questions):
    attempt = start(ten_questions, staff_a)
    html = staff_a_client.get(_take_url(attempt)).content.decode()
    start_at = html.index('id="attempt-form"')
    form = html[start_at:html.index("</form>", start_at)]
    assert 'name="action" value="submit"' in form
    assert reverse("quizzes:attempt_submit", args=[attempt.pk]) not in html


def test_the_save_button_saves_and_stays_on_the_page_with_the_answers_checked(staff_a_client, staff_a,
                                                                             ten_questions):
    attempt = start(ten_questions, staff_a)
    first, second, third = list(attempt.items.all())[:3]
    response = staff_a_client.post(_take_url(attempt), {f"a{first.pk}": "2", f"a{second.pk}": right(second),
                                                        f"a{third.pk}": "3", "action": "save"}, follow=True)
    assert response.redirect_chain == [(_take_url(attempt), 302)]
    html = response.content.decode()
    assert "Đã lưu các câu trả lời trên trang này" in html
    # Reloading shows each answer checked: it is the server's, not the browser's memory.
    reloaded = staff_a_client.get(_take_url(attempt)).content.decode()
    for item, value in ((first, "2"), (second, right(second)), (third, "3")):
        assert re.findall(rf'name="a{item.pk}"[^>]*value="(\d)" checked', reloaded) == [value]
    assert "Đã trả lời 3/10 câu" in reloaded


def test_a_page_number_button_saves_this_page_then_shows_that_one(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    item = attempt.items.get(position=1)
    response = staff_a_client.post(_take_url(attempt), {f"a{item.pk}": "3", "goto": "3"})
    assert response["Location"] == _take_url(attempt, 3)
    item.refresh_from_db()
    assert item.selected == [item.choices[2]["id"]]
    # A number past the last page shows the last page.
    response = staff_a_client.post(_take_url(attempt, 3), {"goto": "9"})
    assert response["Location"] == _take_url(attempt, 3)


def test_the_page_numbers_are_buttons_of_the_form(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    html = staff_a_client.get(_take_url(attempt, 2)).content.decode()
    start_at = html.index('id="attempt-form"')
    form = html[start_at:html.index("</form>", start_at)]
    assert re.findall(r'name="goto" value="(\d+)"', form) == ["1", "3"]
    assert f'href="{_take_url(attempt, 3)}"' not in html


@pytest.mark.parametrize(("action", "page", "goes_to"), [
    ("next", 1, "page 2"), ("previous", 2, "page 1"), ("review", 1, "review"), ("submit", 2, "submit"),
    ("save", 2, "page 2"),
])
def test_every_button_saves_the_page_first(staff_a_client, staff_a, long_quiz, action, page, goes_to):
    attempt = start(long_quiz, staff_a)
    item = attempt.items.get(position=(page - 1) * 5 + 1)
    response = staff_a_client.post(_take_url(attempt, page), {f"a{item.pk}": right(item), "action": action})
    expected = {
        "page 1": _take_url(attempt, 1), "page 2": _take_url(attempt, 2),
        "review": reverse("quizzes:attempt_review", args=[attempt.pk]),
        "submit": reverse("quizzes:attempt_submit", args=[attempt.pk]),
    }[goes_to]
    assert response["Location"] == expected
    item.refresh_from_db()
    assert item.selected == correct_ids(item)


def test_a_bad_answer_keeps_the_person_on_the_page_whichever_button(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    first, second, _third = attempt.items.all()
    before = snapshot(attempt)
    response = staff_a_client.post(_take_url(attempt), {f"a{first.pk}": right(first), f"a{second.pk}": "9",
                                                        "action": "submit"})
    assert response.status_code == 400
    assert "Câu trả lời này không thuộc câu hỏi này." in response.content.decode()
    assert snapshot(attempt) == before


def test_a_button_pressed_after_the_grace_period_saves_nothing_and_shows_the_result(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a, now=timezone.now() - timezone.timedelta(hours=3))
    first = attempt.items.first()
    response = staff_a_client.post(_take_url(attempt), {f"a{first.pk}": right(first), "action": "submit"})
    assert response["Location"] == reverse("quizzes:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    first.refresh_from_db()
    assert (attempt.status, first.selected) == (AttemptStatus.EXPIRED, [])


# --- What the page says ------------------------------------------------------------------------


def test_the_page_says_how_answers_are_saved_with_and_without_javascript(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    html = staff_a_client.get(_take_url(attempt)).content.decode()
    without_js = re.search(r'<p class="save-help" data-without-js>([^<]+)</p>', html)[1]
    with_js = re.search(r'<p class="save-help" data-with-js hidden>([^<]+)</p>', html)[1]
    assert "khi bạn bấm một nút" in without_js
    assert "ngay khi bạn chọn" in with_js
    local_deadline = timezone.localtime(attempt.deadline).strftime("%H:%M")
    assert f"Hết giờ lúc {local_deadline}" in html
    assert 'data-answered-elsewhere="0"' in html
    assert 'data-template="Đã trả lời __N__/3 câu"' in html


def test_the_counter_knows_the_answers_of_the_other_pages(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    items = list(attempt.items.all())
    for item in (items[0], items[1], items[6]):  # two on page 1, one on page 2
        staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]), {"item": item.pk,
                                                                                  f"a{item.pk}": "1"})
    html = staff_a_client.get(_take_url(attempt, 2)).content.decode()
    assert 'data-answered-elsewhere="2"' in html
    assert "Đã trả lời 3/12 câu" in html
    assert len(re.findall(r'data-answered="true"', html)) == 1


# --- The review before submitting --------------------------------------------------------------


def test_the_review_lists_answered_and_unanswered_questions_with_links(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    items = list(attempt.items.all())
    staff_a_client.post(_take_url(attempt), {f"a{items[0].pk}": right(items[0]), "action": "save"})
    staff_a_client.post(_take_url(attempt, 3), {f"a{items[11].pk}": "2", "action": "save"})
    response = staff_a_client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<li class="(is-answered|is-unanswered)">\s*<a href="([^"]+)">Câu (\d+)</a>', html)
    assert len(rows) == 12
    assert [(state, n) for state, _url, n in rows if state == "is-answered"] == [
        ("is-answered", "1"), ("is-answered", "12")]
    assert rows[11][1] == f"{_take_url(attempt, 3)}#q-{items[11].pk}"
    assert rows[5][1] == f"{_take_url(attempt, 2)}#q-{items[5].pk}"
    assert "Đã trả lời 2/12 câu" in html
    assert "Chưa trả lời" in html
    # What was chosen is shown, never whether it is right.
    assert items[11].choices[1]["text"] in html
    # (The factory's right choices are named "Đáp án đúng …": the result page's marker, the
    # explanation and the key's class are what would give the answer away.)
    assert "(đáp án đúng)" not in html and "is-key" not in html and "Giải thích đáp án." not in html
    key = _submit_key(html)
    staff_a_client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), {"key": key})
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == (AttemptStatus.SUBMITTED, 1)


def test_the_review_of_a_closed_attempt_sends_to_the_result(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    attempt_submit(attempt=attempt)
    response = staff_a_client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:attempt_result", args=[attempt.pk])


def test_the_review_is_the_owners_only(client, staff_b_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    url = reverse("quizzes:attempt_review", args=[attempt.pk])
    assert staff_b_client.get(url).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert staff_b_client.post(url).status_code == 405


# --- The service the page calls ----------------------------------------------------------------


def test_the_page_save_writes_only_what_changed(staff_a, quiz):
    attempt = start(quiz, staff_a)
    items = list(attempt.items.all())
    answers = {items[0].pk: correct_ids(items[0]), items[1].pk: [], items[2].pk: wrong_ids(items[2])[:1]}
    assert attempt_save_page(attempt=attempt, items=items, answers=answers) == 2
    items = list(attempt.items.all())
    assert [i.selected for i in items] == [correct_ids(items[0]), [], wrong_ids(items[2])[:1]]
    assert attempt_save_page(attempt=attempt, items=items, answers=answers) == 0


def test_the_page_save_is_refused_whole_once_the_attempt_is_closed(staff_a, quiz):
    attempt = start(quiz, staff_a)
    items = list(attempt.items.all())
    attempt_submit(attempt=attempt)
    with pytest.raises(AttemptClosed):
        attempt_save_page(attempt=attempt, items=items, answers={i.pk: correct_ids(i) for i in items})
    assert all(i.selected == [] for i in attempt.items.all())
