"""POST /api/attempts/<id>/submit/: grade my attempt once. Repeated submits (a retry with the same
Idempotency-Key, a second tab, a double click) all get the one result."""

import pytest

from quizzes.models import AttemptStatus, ReviewPolicy
from quizzes.services.attempts import attempt_save_answer
from quizzes.signals import answer_review_withheld, attempt_finished
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start, wrong_ids

pytestmark = pytest.mark.django_db


def url(attempt_id: int) -> str:
    return f"/api/attempts/{attempt_id}/submit/"


@pytest.fixture
def attempt(staff_a, quiz):
    attempt = start(quiz, staff_a)
    first, second, third = attempt.items.all()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first))
    attempt_save_answer(attempt=attempt, item_id=second.pk, choice_ids=correct_ids(second))
    attempt_save_answer(attempt=attempt, item_id=third.pk, choice_ids=wrong_ids(third)[:1])
    return attempt


@pytest.fixture
def gradings():
    sent = []

    def receiver(sender, attempt, **kwargs):
        sent.append(attempt.pk)

    attempt_finished.connect(receiver)
    yield sent
    attempt_finished.disconnect(receiver)


def test_it_grades_on_the_server_and_returns_the_result(staff_api, attempt):
    response = staff_api.post(url(attempt.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["score"], body["max_score"], body["score_percent"], body["passed"]) == (
        "submitted", 2, 3, 66.67, True,
    )
    assert body["time_taken_seconds"] >= 0
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.submit_key == "k-1"


def test_the_review_comes_with_the_result_when_the_quiz_allows_it(staff_api, attempt):
    review = staff_api.post(url(attempt.pk)).json()["review"]
    assert [item["is_correct"] for item in review] == [True, True, False]
    assert review[0]["explanation"] == "Giải thích đáp án."
    assert [c["id"] for c in review[0]["choices"] if c["correct"]] == review[0]["selected"]


def test_no_review_when_the_quiz_says_never(staff_api, staff_a):
    quiz = make_quiz_with_questions(2, review_policy=ReviewPolicy.NEVER)
    attempt = start(quiz, staff_a)
    body = staff_api.post(url(attempt.pk)).json()
    assert body["review"] is None
    assert "explanation" not in str(body)


def test_a_retry_with_the_same_key_gets_the_same_result_graded_once(staff_api, attempt, gradings):
    first = staff_api.post(url(attempt.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    second = staff_api.post(url(attempt.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.json() == second.json()
    assert gradings == [attempt.pk]


def test_a_submit_with_another_key_or_none_still_gets_the_first_result(staff_api, attempt, gradings):
    first = staff_api.post(url(attempt.pk), {"idempotency_key": "k-1"}, format="json").json()
    assert staff_api.post(url(attempt.pk), HTTP_IDEMPOTENCY_KEY="k-2").json() == first
    assert staff_api.post(url(attempt.pk)).json() == first
    assert gradings == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.submit_key == "k-1"


def test_the_header_key_wins_over_the_body_field(staff_api, attempt):
    staff_api.post(url(attempt.pk), {"idempotency_key": "k-body"}, format="json", HTTP_IDEMPOTENCY_KEY="k-header")
    attempt.refresh_from_db()
    assert attempt.submit_key == "k-header"


@pytest.mark.parametrize("key", ["", "x" * 65, "có dấu", "a b", 12345, None, ["k"]])
def test_a_malformed_key_is_refused(staff_api, attempt, key):
    response = staff_api.post(url(attempt.pk), {"idempotency_key": key}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["idempotency_key"]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_a_malformed_header_key_is_refused(staff_api, attempt):
    response = staff_api.post(url(attempt.pk), HTTP_IDEMPOTENCY_KEY="x" * 65)
    assert response.status_code == 400
    assert response.json()["detail"] == "Khóa chống gửi trùng (idempotency key) phải gồm 1 đến 64 ký tự ASCII in được."
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_another_persons_attempt_is_404_and_stays_open(outsider_api, attempt, gradings):
    assert outsider_api.post(url(attempt.pk)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert gradings == []


def test_anonymous_gets_401(anon, attempt):
    assert anon.post(url(attempt.pk)).status_code == 401
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_wrong_method_is_405(staff_api, attempt):
    assert staff_api.get(url(attempt.pk)).status_code == 405


@pytest.fixture
def engine_only(monkeypatch):
    """attempt_finished and answer_review_withheld with none of the other apps' receivers (those
    connected with a dispatch_uid): what they add to a submit is theirs to pin
    (tests/contests/test_fairness_review.py pins the contests' review check)."""
    for signal in (attempt_finished, answer_review_withheld):
        monkeypatch.setattr(signal, "receivers",
                            [entry for entry in signal.receivers if not isinstance(entry[0][0], str)])


def test_the_query_count_is_pinned(staff_api, attempt, engine_only, django_assert_num_queries):
    # The token with its person; inside the savepoint (its opening and release are two more): the
    # locked attempt with its quiz, its items, one UPDATE grading them all, the attempt's UPDATE.
    # The review reuses the graded items.
    with django_assert_num_queries(7):
        response = staff_api.post(url(attempt.pk))
    assert response.status_code == 200
    assert len(response.json()["review"]) == 3
