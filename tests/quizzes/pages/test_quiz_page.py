"""The quiz's page and starting an attempt in the browser: who sees which quiz (the audience,
then the other apps' receivers of quizzes.signals.quiz_access), and one attempt however often the
start button is pressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Audience, Quiz
from quizzes.services.attempts import attempt_submit
from quizzes.signals import quiz_access
from tests.quizzes.attempt_factories import (
    make_quiz_with_questions,
    start,
)

pytestmark = pytest.mark.django_db


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


def test_a_receiver_of_quiz_access_can_hide_a_quiz(staff_a_client, quiz):
    def contest_only(sender, quiz: Quiz, user, **kwargs) -> bool | None:
        return False if quiz.slug == "nq76" else None

    quiz_access.connect(contest_only, dispatch_uid="test.contest_only")
    try:
        assert staff_a_client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])).status_code == 404
        assert staff_a_client.post(reverse("quizzes:attempt_start", args=[quiz.slug])).status_code == 404
        other = make_quiz_with_questions(1)
        assert staff_a_client.get(reverse("quizzes:quiz_detail", args=[other.slug])).status_code == 200
    finally:
        quiz_access.disconnect(dispatch_uid="test.contest_only")
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
