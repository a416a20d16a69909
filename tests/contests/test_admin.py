"""The contest admin: a contest with its rounds inline, each pointing at a quiz of its own."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from contests.models import Prize, PrizeKind, Round
from tests.contests.helpers import make_contest, make_round
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_quiz_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, commune):
    admin = make_user(unit=commune, is_staff=True, is_superuser=True)
    client.force_login(admin, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _round_form(contest, quiz, **extra):
    data = {
        "title": contest.title, "slug": contest.slug, "audience": "both", "prediction_kind": "participants",
        "individual_prizes": 3, "staff_prizes": 0, "resident_prizes": 0, "unit_prizes": 3,
        "unit_min_participation_percent": 50, "suspicious_seconds_per_question": 3,
        "suspicious_accounts_per_device": 3, "is_published": "on", "exclude_organisers_from_prizes": "on",
        "rounds-TOTAL_FORMS": 1, "rounds-INITIAL_FORMS": 0,
        "rounds-0-number": 1, "rounds-0-title": "Tuần 1", "rounds-0-quiz": quiz.pk,
        "rounds-0-opens_at_0": "01/12/2025", "rounds-0-opens_at_1": "07:00",
        "rounds-0-closes_at_0": "07/12/2025", "rounds-0-closes_at_1": "22:00",
    }
    data.update(extra)
    return data


def test_the_change_page_shows_rounds_inline(admin_client):
    round_ = make_round()
    html = admin_client.get(reverse("admin:contests_contest_change", args=[round_.contest.pk])).content.decode()
    assert "rounds-0-quiz" in html


def test_a_round_is_added_inline_and_its_quiz_takes_the_round_s_dates(admin_client):
    contest = make_contest()
    quiz = make_quiz_with_questions(2, slug="thu-admin")
    response = admin_client.post(reverse("admin:contests_contest_change", args=[contest.pk]),
                                 _round_form(contest, quiz))
    assert response.status_code == 302
    round_ = Round.objects.get()
    quiz.refresh_from_db()
    assert (quiz.opens_at, quiz.closes_at) == (round_.opens_at, round_.closes_at)
    assert AuditEntry.objects.filter(action="contest.round_save").exists()


def test_a_quiz_already_another_round_s_is_refused(admin_client):
    taken = make_round()
    contest = make_contest()
    response = admin_client.post(reverse("admin:contests_contest_change", args=[contest.pk]),
                                 _round_form(contest, taken.quiz))
    assert response.status_code == 200
    assert not contest.rounds.exists()


def test_the_prize_list_speaks_vietnamese(admin_client):
    Prize.objects.create(round=make_round(), kind=PrizeKind.INDIVIDUAL, place=1)
    html = admin_client.get(reverse("admin:contests_prize_changelist")).content.decode()
    for label in ("Giải thưởng", "Loại giải", "Nhóm giải", "Hạng giải", "Người đạt giải"):
        assert label in html
    for english in ("Kind", "Category", "Place", "Standing"):
        assert f">{english}<" not in html
