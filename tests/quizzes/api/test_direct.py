"""The direct path of the two busiest requests (quizzes/api/direct.py): a token, a well-formed body
and a save or submit that succeeds are answered without DRF, with exactly DRF's answer (status,
body, headers); everything else reaches the DRF view, which answers as it always did."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.utils import timezone

from quizzes.api import views
from quizzes.models import AttemptStatus
from tests.quizzes.api.test_answer_save import url as save_url
from tests.quizzes.attempt_factories import correct_ids, start

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "Allow", "Vary")


def submit_url(attempt_id: int) -> str:
    return f"/api/attempts/{attempt_id}/submit/"


@pytest.fixture
def drf_reached(monkeypatch) -> list[str]:
    """The DRF views reached (their dispatch), recorded."""
    reached = []
    for view in (views.AnswerSaveView, views.AttemptSubmitView):
        original = view.dispatch

        def spy(self, request, *args, _original=original, _name=view.__name__, **kwargs):
            reached.append(_name)
            return _original(self, request, *args, **kwargs)

        monkeypatch.setattr(view, "dispatch", spy)
    return reached


@pytest.fixture
def attempt(staff_a, quiz):
    return start(quiz, staff_a)


@pytest.fixture
def fixed_now(monkeypatch) -> datetime:
    """The clock stopped, so that two saves of one answer are acknowledged with the same time."""
    now = timezone.now()
    monkeypatch.setattr("quizzes.services.attempts.timezone.now", lambda: now)
    return now


@pytest.fixture
def drf_only(monkeypatch):
    """From now on every request goes to the DRF view, the way every request went before."""
    def through_drf():
        monkeypatch.setattr("quizzes.api.direct._token_user", lambda request: None)
        monkeypatch.setattr("quizzes.api.direct.token_key", lambda request: None)
    return through_drf


def _same(direct, drf) -> None:
    assert direct.status_code == drf.status_code == 200
    assert direct.content == drf.content
    assert {h: direct.headers.get(h) for h in HEADERS} == {h: drf.headers.get(h) for h in HEADERS}


def test_a_save_is_answered_directly_as_drf_would(staff_api, attempt, fixed_now, drf_reached, drf_only):
    item = attempt.items.order_by("position").first()
    body = json.dumps({"item": item.pk, "choices": correct_ids(item)})
    direct = staff_api.post(save_url(attempt.pk), data=body, content_type="application/json")
    assert drf_reached == []
    drf_only()
    drf = staff_api.post(save_url(attempt.pk), data=body, content_type="application/json")
    assert drf_reached == ["AnswerSaveView"]
    _same(direct, drf)
    assert direct.json() == {"item": item.pk, "choices": correct_ids(item),
                             "answered_at": timezone.localtime(fixed_now).isoformat()}


@pytest.mark.parametrize("key_in", ["header", "body", "none"])
def test_a_submit_is_answered_directly_as_drf_would(staff_api, attempt, drf_reached, drf_only, key_in):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"} if key_in == "header" else {}
    body = json.dumps({"idempotency_key": "k-1"}) if key_in == "body" else ""
    direct = staff_api.post(submit_url(attempt.pk), data=body, content_type="application/json", **headers)
    assert drf_reached == []
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.submit_key == ("" if key_in == "none" else "k-1")
    # Submitting again (idempotent) through DRF gives the same answer, byte for byte.
    drf_only()
    drf = staff_api.post(submit_url(attempt.pk), data=body, content_type="application/json", **headers)
    assert drf_reached == ["AttemptSubmitView"]
    _same(direct, drf)


def test_a_session_request_goes_to_drf(staff_a, attempt, client, drf_reached):
    client.force_login(staff_a)
    item = attempt.items.order_by("position").first()
    response = client.post(save_url(attempt.pk), data={"item": item.pk, "choices": [item.choices[0]["id"]]},
                           content_type="application/json")
    assert response.status_code == 200
    assert drf_reached == ["AnswerSaveView"]


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ('{"item": 1, "choices": [NaN]}', "application/json", 400),
    ("{not json", "application/json", 400),
    ('{"item": "x", "choices": []}', "application/json", 400),
    ("item=1", "application/x-www-form-urlencoded", 415),
    ('{"item": 1, "choices": [999999]}', "application/json; charset=latin-1", 400),
])
def test_an_odd_body_goes_to_drf(staff_api, attempt, drf_reached, body, content_type, status):
    response = staff_api.generic("POST", save_url(attempt.pk), data=body, content_type=content_type)
    assert response.status_code == status
    assert drf_reached == ["AnswerSaveView"]


def test_a_refusal_goes_to_drf_which_says_why(staff_api, attempt, outsider_api, drf_reached):
    item = attempt.items.order_by("position").first()
    body = {"item": item.pk, "choices": [10**9]}
    assert staff_api.post(save_url(attempt.pk), body, format="json").status_code == 400
    assert outsider_api.post(save_url(attempt.pk), {"item": item.pk, "choices": []}, format="json").status_code == 404
    assert outsider_api.post(submit_url(attempt.pk), format="json").status_code == 404
    assert drf_reached == ["AnswerSaveView", "AnswerSaveView", "AttemptSubmitView"]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_a_refused_token_goes_to_drf(anon, attempt, drf_reached):
    anon.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert anon.post(submit_url(attempt.pk), format="json").status_code == 401
    assert drf_reached == ["AttemptSubmitView"]


@pytest.mark.parametrize(("query", "accept", "status"), [
    ("", "text/html", 200),  # DRF's browsable page
    ("", "application/xml", 406),
    ("?format=json", "application/json", 200),
    ("", "application/json; indent=4", 200),
])
def test_a_request_for_another_rendering_goes_to_drf(staff_api, attempt, drf_reached, query, accept, status):
    item = attempt.items.order_by("position").first()
    response = staff_api.post(save_url(attempt.pk) + query, data=json.dumps({"item": item.pk, "choices": []}),
                              content_type="application/json", HTTP_ACCEPT=accept)
    assert response.status_code == status
    assert drf_reached == ["AnswerSaveView"]
