"""A contest round's attempt on a phone without JavaScript: every button of the engine's attempt
page saves the page first, and "Save and review" shows the review before the round's own submit
page (the prediction)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from contests.models import Standing
from quizzes.models import Attempt
from tests.contests.helpers import make_contest, make_round
from tests.factories import make_user
from tests.quizzes.attempt_factories import correct_ids
from tests.quizzes.pages.helpers import position_of, right

pytestmark = pytest.mark.django_db


def _take_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_take", args=[attempt.pk])


def test_a_rounds_review_comes_before_the_prediction(resident_client, resident):
    round_ = make_round(make_contest(slug="cchc"), questions=3, attempts_allowed=1)
    resident_client.post(reverse("contests:round_start", args=["cchc", round_.number]))
    attempt = Attempt.objects.get(user=resident)
    first, second, third = attempt.items.all()
    response = resident_client.post(_take_url(attempt), {f"a{first.pk}": right(first),
                                                         f"a{third.pk}": right(third), "action": "review"})
    review_url = reverse("quizzes:attempt_review", args=[attempt.pk])
    assert response["Location"] == review_url
    html = resident_client.get(review_url).content.decode()
    assert html.count('class="is-unanswered"') == 1
    prediction_url = reverse("contests:round_submit", args=[attempt.pk])
    assert f'href="{prediction_url}"' in html
    assert 'name="key"' not in html  # the round's own page submits, after the prediction
    resident_client.post(prediction_url, {"prediction": "40", "key": "k"})
    assert Standing.objects.get(user=resident).score == 2


def test_a_resident_on_a_phone_without_javascript_keeps_every_answer(client, village):
    """The whole journey as a phone without JavaScript makes it: choose, press a button, come back."""
    person = make_user(role=Role.RESIDENT, unit=village, full_name="Lê Thị Bảy", birth_year=1950)
    client.force_login(person)
    round_ = make_round(make_contest(slug="cchc-bay"), questions=3)
    client.post(reverse("contests:round_start", args=["cchc-bay", round_.number]))
    attempt = Attempt.objects.get(user=person)
    items = list(attempt.items.all())
    client.post(_take_url(attempt), {f"a{i.pk}": position_of(i, correct_ids(i)[0]) for i in items[:2]}
                | {"action": "save"})
    page = client.get(_take_url(attempt)).content.decode()
    assert len(re.findall(r'value="\d" checked', page)) == 2
    response = client.post(_take_url(attempt), {f"a{i.pk}": position_of(i, correct_ids(i)[0]) for i in items}
                           | {"action": "submit"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("contests:round_submit", args=[attempt.pk])
    client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": "7", "key": "b"})
    assert Standing.objects.get(user=person).score == 3
