"""Taking a quiz in the browser: the quiz's page, starting, the attempt page (plain posts and
htmx autosave), submitting, the result with its review, and the list of one's attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from quizzes.access import register_quiz_gate, unregister_quiz_gate
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, Audience, QuestionType, ReviewPolicy
from quizzes.services.attempts import attempt_submit
from tests.quizzes.attempt_factories import (
    correct_ids,
    make_question,
    make_quiz,
    make_quiz_with_questions,
    make_topic,
    start,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
GRACE = 60


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


def _position_of(item: AttemptQuestion, choice_id: int) -> str:
    return str([c["id"] for c in item.choices].index(choice_id) + 1)


def _right(item: AttemptQuestion) -> str:
    return _position_of(item, correct_ids(item)[0])


def _snapshot(attempt: Attempt) -> list:
    attempt.refresh_from_db()
    return [attempt.status, *AttemptQuestion.objects.filter(attempt=attempt).values_list("selected", "answered_at")]


# --- The quiz's page -----------------------------------------------------------------------------


def test_the_quiz_page_shows_the_rules(staff_a_client, quiz):
    quiz.closes_at = timezone.make_aware(timezone.datetime(2031, 3, 9, 17, 0))
    quiz.save()
    response = staff_a_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tìm hiểu Nghị quyết 76" in html
    assert "09/03/2031 17:00" in html
    assert "60%" in html
    assert 'action="/quizzes/nq76/start/"' in html


def test_the_quiz_page_links_organisers_to_the_item_statistics(organiser_client, staff_a_client, quiz):
    stats = reverse("quizzes:quiz_stats", args=[quiz.slug])
    assert stats in organiser_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])).content.decode()
    assert stats not in staff_a_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])).content.decode()


def test_the_quiz_page_refuses_other_methods(staff_a_client, quiz):
    assert staff_a_client.post(reverse("quizzes:quiz_detail", args=[quiz.slug])).status_code == 405


def test_the_quiz_page_sends_anonymous_visitors_to_log_in(client, quiz):
    url = reverse("quizzes:quiz_detail", args=[quiz.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_a_staff_quiz_is_not_found_for_a_resident(resident_client, staff_a_client, organiser_client, staff_quiz):
    url = reverse("quizzes:quiz_detail", args=[staff_quiz.slug])
    assert resident_client.get(url).status_code == 404
    assert staff_a_client.get(url).status_code == 200
    assert organiser_client.get(url).status_code == 200


def test_a_public_quiz_is_open_to_residents_and_staff(resident_client, staff_a_client):
    public = make_quiz_with_questions(1, audience=Audience.PUBLIC)
    url = reverse("quizzes:quiz_detail", args=[public.slug])
    assert resident_client.get(url).status_code == 200
    assert staff_a_client.get(url).status_code == 200


def test_a_registered_gate_can_hide_a_quiz(staff_a_client, quiz):
    def contest_only(gated_quiz, user) -> bool:
        return gated_quiz.pk != quiz.pk

    register_quiz_gate(contest_only)
    try:
        assert staff_a_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])).status_code == 404
        assert staff_a_client.post(reverse("quizzes:attempt_start", args=[quiz.slug])).status_code == 404
    finally:
        unregister_quiz_gate(contest_only)
    assert not Attempt.objects.exists()


# --- Starting ------------------------------------------------------------------------------------


def test_start_creates_one_attempt_and_a_second_start_resumes_it(staff_a_client, staff_a, quiz):
    url = reverse("quizzes:attempt_start", args=[quiz.slug])
    first = staff_a_client.post(url)
    second = staff_a_client.post(url)
    attempt = Attempt.objects.get(user=staff_a)
    assert first["Location"] == second["Location"] == reverse("quizzes:attempt_take", args=[attempt.pk])
    page = staff_a_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])).content.decode()
    assert reverse("quizzes:attempt_take", args=[attempt.pk]) in page


def test_start_refuses_get(staff_a_client, quiz):
    assert staff_a_client.get(reverse("quizzes:attempt_start", args=[quiz.slug])).status_code == 405
    assert not Attempt.objects.exists()


def test_start_sends_anonymous_visitors_to_log_in(client, quiz):
    response = client.post(reverse("quizzes:attempt_start", args=[quiz.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Attempt.objects.exists()


def test_start_of_a_staff_quiz_is_not_found_for_a_resident(resident_client, staff_quiz):
    assert resident_client.post(reverse("quizzes:attempt_start", args=[staff_quiz.slug])).status_code == 404
    assert not Attempt.objects.exists()


def test_start_of_a_closed_quiz_says_so(staff_a_client, quiz):
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    response = staff_a_client.post(reverse("quizzes:attempt_start", args=[quiz.slug]), follow=True)
    assert "Bài kiểm tra này hiện không mở." in response.content.decode()
    assert not Attempt.objects.exists()


def test_start_when_no_attempt_is_left_says_so(staff_a_client, staff_a, quiz):
    attempt_submit(attempt=start(quiz, staff_a))
    response = staff_a_client.post(reverse("quizzes:attempt_start", args=[quiz.slug]), follow=True)
    assert "Bạn đã dùng hết số lần làm bài được phép của bài kiểm tra này." in response.content.decode()
    assert Attempt.objects.count() == 1


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
    before = _snapshot(attempt)
    url = reverse(f"quizzes:{name}", args=[attempt.pk])
    item = attempt.items.first()
    assert staff_b_client.post(url, {"item": item.pk, f"a{item.pk}": "1", "key": "x"}).status_code in {404, 405}
    if name != "attempt_answer":
        assert staff_b_client.get(url).status_code == 404
    assert _snapshot(attempt) == before


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


@pytest.fixture
def long_quiz():
    topic = make_topic()
    return make_quiz(questions=[make_question(topic=topic) for _ in range(12)], shuffle_questions=False,
                     slug="dai")


def test_plain_posts_save_each_page_and_resume_with_every_answer(staff_a_client, staff_a, long_quiz):
    attempt = start(long_quiz, staff_a)
    items = list(attempt.items.all())
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    page1 = staff_a_client.get(url).content.decode()
    assert page1.count("<fieldset") == 5
    assert "Trang 1/3" in page1 or "Trang 1 / 3" in page1 or "Trang 1 trên 3" in page1

    response = staff_a_client.post(url, {f"a{items[0].pk}": _right(items[0]), f"a{items[1].pk}": "2",
                                         "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2"
    response = staff_a_client.post(f"{url}?page=3", {f"a{items[11].pk}": _right(items[11]), "action": "next"})
    assert response["Location"] == reverse("quizzes:attempt_submit", args=[attempt.pk])

    # Reloading (or coming back after a lost connection) shows every saved answer checked.
    again = staff_a_client.get(url).content.decode()
    checked = re.findall(rf'name="a{items[0].pk}"[^>]*value="(\d)" checked', again)
    assert checked == [_right(items[0])]
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
    before = _snapshot(attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                   {f"a{first.pk}": _right(first), f"a{second.pk}": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Câu trả lời này không thuộc câu hỏi này." in html) or ("Câu hỏi này chỉ có đúng một đáp án." in html)
    assert _snapshot(attempt) == before


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
    staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), {f"a{first.pk}": _right(first)})
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
    before = _snapshot(attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), {"key": "k" * 65})
    assert response.status_code == 400
    assert "Không đọc được yêu cầu nộp bài" in response.content.decode()
    assert _snapshot(attempt) == before


def test_the_countdown_at_zero_saves_the_page_and_submits(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    first = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                   {f"a{first.pk}": _right(first), "action": "timeout", "key": "abc"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.submit_key) == (AttemptStatus.SUBMITTED, 1, "abc")


# --- With htmx: each answer autosaved --------------------------------------------------------------


def test_an_htmx_autosave_returns_only_the_saved_fragment(staff_a_client, staff_a, quiz):
    attempt = start(quiz, staff_a)
    item = attempt.items.first()
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                   {"item": item.pk, f"a{item.pk}": _right(item)}, **HTMX)
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
    before = _snapshot(attempt), _snapshot(foreign.attempt)
    response = staff_a_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Câu trả lời này không thuộc câu hỏi này." in html or "Câu hỏi này chỉ có đúng một đáp án." in html
    assert (_snapshot(attempt), _snapshot(foreign.attempt)) == before


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
    # session, user, quiz, the training modules' quiz gate, attempts, and the two permission
    # look-ups of the page header; none per attempt.
    with django_assert_num_queries(7):
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
