"""POST /api/attempts/<id>/answers/: save, replace or clear one answer of my open attempt. Every
refusal says why, in Vietnamese, and leaves the saved answers as they were."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.models import AttemptQuestion, AttemptStatus, QuestionType
from quizzes.services.attempts import attempt_submit
from tests.quizzes.attempt_factories import correct_ids, make_question, make_quiz, start, wrong_ids

pytestmark = pytest.mark.django_db


def url(attempt_id: int) -> str:
    return f"/api/attempts/{attempt_id}/answers/"


@pytest.fixture
def attempt(staff_a, quiz):
    return start(quiz, staff_a)


def _saved(attempt) -> list[list[int]]:
    return [item.selected for item in AttemptQuestion.objects.filter(attempt=attempt).order_by("position")]


def test_it_saves_an_answer_and_acknowledges_it(staff_api, attempt):
    item = attempt.items.first()
    response = staff_api.post(url(attempt.pk), {"item": item.pk, "choices": wrong_ids(item)[:1]}, format="json")
    assert response.status_code == 200
    assert response.json()["item"] == item.pk
    assert response.json()["choices"] == wrong_ids(item)[:1]
    assert response.json()["answered_at"]
    item.refresh_from_db()
    assert item.selected == wrong_ids(item)[:1]


def test_a_new_answer_replaces_the_old_and_an_empty_list_clears_it(staff_api, attempt):
    item = attempt.items.first()
    staff_api.post(url(attempt.pk), {"item": item.pk, "choices": wrong_ids(item)[:1]}, format="json")
    staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    item.refresh_from_db()
    assert item.selected == correct_ids(item)
    staff_api.post(url(attempt.pk), {"item": item.pk, "choices": []}, format="json")
    item.refresh_from_db()
    assert item.selected == []


def test_a_multiple_choice_question_takes_several(staff_api, staff_a):
    quiz = make_quiz(questions=[make_question(type=QuestionType.MULTIPLE)])
    attempt = start(quiz, staff_a)
    item = attempt.items.get()
    response = staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    assert response.status_code == 200
    assert sorted(response.json()["choices"]) == sorted(correct_ids(item))


# --- Bad input: 400 with the reason, nothing saved ------------------------------------------------


def _refused(response, attempt, before, status=400) -> dict:
    assert response.status_code == status
    assert _saved(attempt) == before
    return response.json()


def test_an_item_of_another_attempt_is_refused(staff_api, attempt, staff_b, quiz):
    foreign = start(quiz, staff_b).items.first()
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": foreign.pk, "choices": []}, format="json"),
                    attempt, before)
    assert body == {"detail": "Câu trả lời này không thuộc câu hỏi này.", "code": "invalid_answer"}
    foreign.refresh_from_db()
    assert foreign.selected == []


def test_an_unknown_item_is_refused(staff_api, attempt):
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": 2**62, "choices": []}, format="json"), attempt, before)
    assert body["code"] == "invalid_answer"


def test_a_choice_of_another_question_is_refused(staff_api, attempt):
    first, second = attempt.items.all()[:2]
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": first.pk, "choices": correct_ids(second)}, format="json"),
                    attempt, before)
    assert body["detail"] == "Câu trả lời này không thuộc câu hỏi này."


def test_two_choices_for_a_single_choice_question_are_refused(staff_api, attempt):
    item = attempt.items.first()
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": item.pk, "choices": [c["id"] for c in item.choices]},
                                   format="json"), attempt, before)
    assert body["detail"] == "Câu hỏi này chỉ có đúng một đáp án."


def test_more_choices_than_any_question_has_are_refused(staff_api, attempt):
    item = attempt.items.first()
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": item.pk, "choices": list(range(1, 12))}, format="json"),
                    attempt, before)
    assert body["errors"] == {"choices": ["Trường này không được có quá 10 phần tử."]}


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"item": "một", "choices": []}, "item", "Cần nhập một số nguyên hợp lệ."),
    ({"item": 1, "choices": "1,2"}, "choices", 'Cần một danh sách nhưng nhận được kiểu "str".'),
    ({"item": 1, "choices": [0]}, "choices", None),
    ({"item": 2**64, "choices": []}, "item", "Giá trị phải nhỏ hơn hoặc bằng 9223372036854775807."),
    ({"choices": []}, "item", "Trường này là bắt buộc."),
    ({"item": None, "choices": []}, "item", "Trường này không được để trống (null)."),
])
def test_wrong_types_are_refused_field_by_field(staff_api, attempt, payload, field, message):
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), payload, format="json"), attempt, before)
    assert body["code"] == "invalid"
    assert field in body["errors"]
    if message:
        assert body["errors"][field] == [message]
        assert body["detail"] == message


def test_a_body_that_is_not_an_object_is_refused(staff_api, attempt):
    body = _refused(staff_api.post(url(attempt.pk), [1, 2], format="json"), attempt, _saved(attempt))
    assert body["detail"] == "Dữ liệu không hợp lệ: cần một đối tượng (dictionary) nhưng nhận được list."


def test_malformed_json_is_refused(staff_api, attempt):
    response = staff_api.post(url(attempt.pk), '{"item": 1,', content_type="application/json")
    body = _refused(response, attempt, _saved(attempt))
    assert body == {"detail": "Nội dung yêu cầu không phải JSON hợp lệ.", "code": "parse_error"}


def test_a_form_body_is_415(staff_api, attempt):
    response = staff_api.post(url(attempt.pk), {"item": 1, "choices": [1]})
    body = _refused(response, attempt, _saved(attempt), status=415)
    assert body["code"] == "unsupported_media_type"
    assert body["detail"].startswith('Kiểu dữ liệu "multipart/form-data')
    assert body["detail"].endswith('" không được hỗ trợ.')


def test_an_oversized_body_is_413(staff_api, attempt):
    huge = '{"item": 1, "choices": [], "padding": "' + "x" * (70 * 1024) + '"}'
    response = staff_api.post(url(attempt.pk), huge, content_type="application/json")
    body = _refused(response, attempt, _saved(attempt), status=413)
    assert body == {"detail": "Nội dung yêu cầu quá lớn (tối đa 64 KB).", "code": "request_too_large"}


# --- Closed attempts: 409 -------------------------------------------------------------------------


def test_after_submit_an_answer_is_409(staff_api, attempt):
    attempt_submit(attempt=attempt)
    item = attempt.items.first()
    before = _saved(attempt)
    body = _refused(staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json"),
                    attempt, before, status=409)
    assert body == {"detail": "Lượt làm bài này đã đóng: đã hết giờ hoặc bài đã được nộp.", "code": "attempt_closed"}


def test_after_the_deadline_and_grace_an_answer_is_409_and_the_attempt_closes(staff_api, staff_a, quiz, settings):
    settings.ATTEMPT_GRACE_SECONDS = 60
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + 61))
    item = attempt.items.first()
    response = staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert _saved(attempt) == [[], [], []]


# --- Personas -------------------------------------------------------------------------------------


def test_another_persons_attempt_is_404_and_unchanged(outsider_api, attempt):
    item = attempt.items.first()
    response = outsider_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    _refused(response, attempt, [[], [], []], status=404)


def test_anonymous_gets_401(anon, attempt):
    item = attempt.items.first()
    response = anon.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    _refused(response, attempt, [[], [], []], status=401)


def test_an_inactive_persons_token_gets_401_and_saves_nothing(staff_api, staff_a, attempt):
    item = attempt.items.first()
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    response = staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    assert _refused(response, attempt, [[], [], []], status=401)["detail"] == "Tài khoản đã bị khóa hoặc đã bị xóa."


@pytest.mark.parametrize("header", ["Token", "Token one two", "Bearer abc"])
def test_a_malformed_token_header_gets_401_and_saves_nothing(anon, attempt, header):
    item = attempt.items.first()
    response = anon.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json",
                         HTTP_AUTHORIZATION=header)
    _refused(response, attempt, [[], [], []], status=401)


def test_wrong_method_is_405(staff_api, attempt):
    assert staff_api.get(url(attempt.pk)).status_code == 405


# --- Cost -----------------------------------------------------------------------------------------


def test_a_save_reads_the_item_with_its_attempt_then_writes_it(staff_api, attempt, django_assert_num_queries):
    item = attempt.items.first()
    # The token with its person; then, in one transaction (a savepoint inside the test's), the
    # item with its attempt (whose, open, in time; the attempt's row locked on PostgreSQL, so a
    # submit waits for this save or this save for the submit) and the answer's UPDATE.
    with django_assert_num_queries(5) as captured:
        response = staff_api.post(url(attempt.pk), {"item": item.pk, "choices": correct_ids(item)}, format="json")
    assert response.status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[1].startswith("SAVEPOINT") and statements[4].startswith("RELEASE SAVEPOINT")
    assert ("FOR UPDATE" in statements[2]) is connection.features.has_select_for_update
    assert statements[3].startswith('UPDATE "quizzes_attemptquestion"')
