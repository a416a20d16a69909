"""Review withheld (issue 12, "Fairness rules"): a question in the pool of a contest with a round
open or to come is never shown with its right answer, or its explanation, or whether one's answer
was right, to a person who can take that contest: not on the engine's result page, not through
the API, not in a module quiz sharing the bank, not in round 1's own review while rounds 2–4 draw
from the same pool. The page says why, and when the answers open: once the last round is over."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import ContestAudience, Round
from quizzes.models import Audience, ReviewPolicy
from quizzes.services.attempts import attempt_save_answer, attempt_submit, review_withheld
from tests.contests.helpers import NOW, make_contest, take
from tests.quizzes.api.conftest import token_client
from tests.quizzes.attempt_factories import correct_ids, make_question, make_quiz, make_topic, start
from tests.training.factories import make_module

pytestmark = pytest.mark.django_db

KEY_MARK = "(đáp án đúng)"
EXPLANATION = "Vì Nghị quyết 76/NQ-CP quy định như vậy."


@pytest.fixture
def topic():
    topic = make_topic("Dịch vụ công trực tuyến")
    for n in range(3):
        make_question(topic=topic, text=f"Câu hỏi cuộc thi {n}?", explanation=EXPLANATION)
    return topic


def _round(contest, topic, number, *, opens_at, closes_at, review=ReviewPolicy.IMMEDIATELY):
    quiz = make_quiz(draw=[(topic, 3)], review_policy=review, shuffle_questions=False, attempts_allowed=3)
    return Round.objects.create(contest=contest, number=number, quiz=quiz, opens_at=opens_at, closes_at=closes_at)


@pytest.fixture
def contest(topic):
    """Round 1 open now, round 2 next week, both from the same topic."""
    contest = make_contest(title="Cuộc thi cải cách hành chính")
    _round(contest, topic, 1, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=6))
    _round(contest, topic, 2, opens_at=NOW + timedelta(days=7), closes_at=NOW + timedelta(days=13, hours=3))
    return contest


@pytest.fixture
def module_quiz(topic):
    """The public module quiz that shares the bank and shows its review right away (as in the
    issue: published before the contest, so no publish check stood in its way)."""
    quiz = make_quiz(draw=[(topic, 3)], audience=Audience.PUBLIC, review_policy=ReviewPolicy.IMMEDIATELY,
                     attempts_allowed=5)
    make_module(quiz=quiz, audience=Audience.PUBLIC)
    return quiz


def _taken(quiz, user):
    attempt = start(quiz, user)
    for item in attempt.items.all():
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item))
    return attempt_submit(attempt=attempt)


def _end_contest(contest):
    for round_ in contest.rounds.all():
        round_.opens_at, round_.closes_at = NOW - timedelta(days=20 - round_.number), NOW - timedelta(days=2)
        round_.save()


def test_the_module_quiz_review_hides_the_contest_s_answers_and_says_why_and_until_when(
        resident_client, resident, contest, module_quiz):
    attempt = _taken(module_quiz, resident)
    html = resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert "Đáp án đúng và phần giải thích của 3 câu hỏi đang được ẩn" in html
    assert "“Cuộc thi cải cách hành chính”" in html
    last_close = contest.rounds.get(number=2).closes_at
    assert timezone.localtime(last_close).strftime("%d/%m/%Y %H:%M") in html
    assert html.count("đáp án được ẩn cho đến khi cuộc thi kết thúc") == 3
    assert KEY_MARK not in html
    assert EXPLANATION not in html
    assert "review-right" not in html and "review-wrong" not in html
    assert "Câu hỏi cuộc thi 0?" in html  # the question itself, and the person's own choice, stay


def test_the_api_result_and_submit_withhold_the_same_answers(resident, contest, module_quiz):
    api = token_client(resident)
    attempt = start(module_quiz, resident)
    for item in attempt.items.all():
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item))
    submitted = api.post(reverse("api:attempt_submit", args=[attempt.pk]), {}, format="json").json()
    result = api.get(reverse("api:attempt_result", args=[attempt.pk])).json()
    for body in (submitted, result):
        assert len(body["review"]) == 3
        for item in body["review"]:
            assert item["answer_withheld"] is True
            assert item["is_correct"] is None
            assert item["explanation"] == ""
            assert {choice["correct"] for choice in item["choices"]} == {None}
            assert item["selected"]  # the person's own answer is theirs to see
        assert body["review_withheld"][0]["reason"].startswith("Đáp án đúng và phần giải thích của 3 câu hỏi")
        assert body["review_withheld"][0]["until"]
    assert result["score"] == 3


def test_round_1_s_review_does_not_give_away_round_2(resident_client, resident, topic):
    contest = make_contest()
    first = _round(contest, topic, 1, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(days=2),
                   review=ReviewPolicy.AFTER_CLOSE)
    _round(contest, topic, 2, opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=8))
    attempt = take(first, resident, correct=3, seconds=40, started=NOW - timedelta(days=3), prediction=5)
    html = resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert "Xem lại bài làm" in html  # round 1 is over: its review opened…
    assert KEY_MARK not in html and EXPLANATION not in html  # …without the answers round 2 can draw
    contest_page = resident_client.get(reverse("contests:round_result", args=[attempt.pk])).content.decode()
    assert KEY_MARK not in contest_page and EXPLANATION not in contest_page


def test_the_open_round_s_own_immediate_review_is_withheld_too(resident_client, resident, contest):
    attempt = take(contest.rounds.get(number=1), resident, correct=2, seconds=30, prediction=7)
    html = resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert KEY_MARK not in html and EXPLANATION not in html
    assert "đáp án được ẩn" in html


def test_the_answers_open_once_the_last_round_has_closed(resident_client, resident, contest, module_quiz):
    attempt = _taken(module_quiz, resident)
    _end_contest(contest)
    html = resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert html.count(KEY_MARK) == 3
    assert EXPLANATION in html
    assert "đang được ẩn" not in html
    body = token_client(resident).get(reverse("api:attempt_result", args=[attempt.pk])).json()
    assert [item["answer_withheld"] for item in body["review"]] == [False] * 3
    assert body["review_withheld"] == []


def test_someone_the_contest_does_not_admit_sees_the_answers(staff_a_client, staff_a, topic, module_quiz):
    residents_only = make_contest(audience=ContestAudience.RESIDENTS)
    _round(residents_only, topic, 1, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=6))
    attempt = _taken(module_quiz, staff_a)
    html = staff_a_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert html.count(KEY_MARK) == 3


def test_only_the_questions_of_the_pool_are_withheld(resident_client, resident, contest, topic):
    elsewhere = make_topic()
    mine = make_question(topic=elsewhere, text="Câu hỏi của riêng học phần?", explanation="Giải thích riêng.")
    quiz = make_quiz(draw=[(topic, 1), (elsewhere, 1)], review_policy=ReviewPolicy.IMMEDIATELY,
                     shuffle_questions=False)
    attempt = _taken(quiz, resident)
    html = resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert "của 1 câu hỏi đang được ẩn" in html
    assert html.count(KEY_MARK) == 1 and "Giải thích riêng." in html
    assert EXPLANATION not in html
    assert mine.text in html


def test_a_draft_contest_hides_nothing(resident_client, resident, topic, module_quiz):
    draft = make_contest(is_published=False)
    _round(draft, topic, 1, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=6))
    attempt = _taken(module_quiz, resident)
    assert resident_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode().count(
        KEY_MARK) == 3


def test_the_review_check_costs_one_query_when_no_contest_runs_and_few_when_one_does(
        resident, topic, module_quiz, django_assert_num_queries):
    attempt = _taken(module_quiz, resident)
    with django_assert_num_queries(1):  # the live contests' quizzes: none
        assert review_withheld(attempt, user=resident) == []
    contest = make_contest()
    _round(contest, topic, 1, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=6))
    _round(contest, topic, 2, opens_at=NOW + timedelta(days=7), closes_at=NOW + timedelta(days=14))
    # The quizzes with their rounds, their draw rules, their fixed questions; the person's groups;
    # the attempt's questions in the contest's pool. Whatever the number of rounds.
    with django_assert_num_queries(5):
        [withheld] = review_withheld(attempt, user=resident)
    assert len(withheld.question_ids) == 3
