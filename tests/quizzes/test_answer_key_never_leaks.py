"""The answer key never reaches the browser before submit.

A full attempt is run through the test client (the quiz's page, start, every page of the
attempt, an autosave of every choice of every question, plain page posts, the review before
submitting, the confirmation page, the list of attempts, the same attempt through the REST API, the static scripts and
stylesheet), every response body is kept, and
the bodies are searched for anything that tells a right choice from a wrong one: explanations,
the word "correct" anywhere (attribute, JSON, class, comment), the choices' bank ids, and any
difference between the markup of right and wrong choices."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from quizzes.models import Attempt, Audience, QuestionType
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quiz():
    """12 questions (so the attempt is paged) of the three types. Every choice text and
    explanation is a unique token, so a leak of any of them can be searched for."""
    topic = make_topic()
    questions = []
    for n in range(12):
        kind = [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE][n % 3]
        if kind == QuestionType.TRUE_FALSE:
            choices = [("Đúng", n % 2 == 0), ("Sai", n % 2 == 1)]
        elif kind == QuestionType.MULTIPLE:
            choices = [(f"RIGHTTOKEN{n}x{k}", True) for k in range(2)] + [(f"WRONGTOKEN{n}x{k}", False)
                                                                          for k in range(2)]
        else:
            choices = [(f"RIGHTTOKEN{n}x0", True)] + [(f"WRONGTOKEN{n}x{k}", False) for k in range(1, 4)]
        questions.append(make_question(topic=topic, type=kind, text=f"Câu hỏi {n}?", choices=choices,
                                       explanation=f"EXPLAINTOKEN{n} vì văn bản quy định như vậy."))
    return make_quiz(questions=questions, audience=Audience.BOTH, slug="khong-lo-dap-an")


def _crawl(client, quiz) -> tuple[list[tuple[str, str]], Attempt]:
    bodies: list[tuple[str, str]] = []

    def keep(label: str, response) -> None:
        assert response.status_code < 500, label
        content = b"".join(response.streaming_content) if response.streaming else response.content
        bodies.append((label, content.decode()))

    keep("landing", client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])))
    keep("start", client.post(reverse("quizzes:attempt_start", args=[quiz.slug]), follow=True))
    attempt = Attempt.objects.get(quiz=quiz)
    take = reverse("quizzes:attempt_take", args=[attempt.pk])
    answer = reverse("quizzes:attempt_answer", args=[attempt.pk])
    items = list(attempt.items.all())
    for page in (1, 2, 3):
        keep(f"page {page}", client.get(f"{take}?page={page}"))
    for item in items:
        for position in range(1, len(item.choices) + 1):
            keep(f"autosave {item.pk}/{position}",
                 client.post(answer, {"item": item.pk, f"a{item.pk}": str(position)}, **HTMX))
    # Plain posts of a page (no JavaScript), a bad post that re-renders the page with errors.
    first_page = items[:5]
    keep("page post", client.post(take, {f"a{i.pk}": "1" for i in first_page} | {"action": "next"}, follow=True))
    keep("bad page post", client.post(take, {f"a{items[0].pk}": ["1", "2"]}))
    keep("save post", client.post(take, {f"a{i.pk}": "2" for i in first_page} | {"action": "save"}, follow=True))
    keep("review post", client.post(take, {f"a{i.pk}": "1" for i in first_page} | {"action": "review"},
                                    follow=True))
    keep("confirm", client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])))
    keep("result while open", client.get(reverse("quizzes:attempt_result", args=[attempt.pk]), follow=True))
    keep("my attempts", client.get(reverse("quizzes:attempt_list", args=[quiz.slug])))
    # The REST API over the same attempt (session auth): list, start (returns the same attempt),
    # the question set, every answer, and the result asked for too early.
    keep("api quiz list", client.get(reverse("api:quiz_list")))
    keep("api start", client.post(reverse("api:attempt_start", args=[quiz.pk])))
    keep("api attempt", client.get(reverse("api:attempt_detail", args=[attempt.pk])))
    for item in items:
        for choice in item.choices:
            keep(f"api answer {item.pk}/{choice['id']}", client.post(
                reverse("api:answer_save", args=[attempt.pk]), {"item": item.pk, "choices": [choice["id"]]},
                content_type="application/json"))
    keep("api result while open", client.get(reverse("api:attempt_result", args=[attempt.pk])))
    for asset in ("js/countdown.js", "js/autosave.js", "css/attempt.css"):
        with open(finders.find(asset), encoding="utf-8") as f:
            bodies.append((asset, f.read()))
    return bodies, attempt


def test_no_response_of_an_open_attempt_carries_the_answer_key(resident_client, quiz):
    # One crawl (about 60 requests) for the three checks below, to keep the suite quick.
    bodies, attempt = _crawl(resident_client, quiz)
    # The crawl saw the real thing: the questions through the API, every API answer saved.
    api_attempt = dict(bodies)["api attempt"]
    assert all(f"Câu hỏi {n}?" in api_attempt for n in range(12))
    assert all(item.selected == [item.choices[-1]["id"]] for item in attempt.items.all())
    assert "Xem lại bài làm" in dict(bodies)["review post"]
    _assert_no_key_in_bodies(bodies, attempt)
    _assert_right_and_wrong_choices_have_the_same_markup(bodies)
    _assert_right_and_wrong_answers_get_the_same_acknowledgement(bodies)


def _assert_no_key_in_bodies(bodies: list[tuple[str, str]], attempt: Attempt) -> None:
    attempt.refresh_from_db()
    assert attempt.is_open, "the crawl must not submit"
    choice_ids = {c["id"] for item in attempt.items.all() for c in item.choices}
    for label, body in bodies:
        assert "EXPLAINTOKEN" not in body, label
        assert "correct" not in body.lower(), label
        assert "(đáp án đúng)" not in body, label
        if not label.endswith((".js", ".css")):
            # The review page's class for the right choice (styled in attempt.css) is never on an open attempt's page.
            assert "is-key" not in body, label
        if label.startswith("api"):
            continue
        # Choice values are positions as shown (1-4); the bank's ids never appear as values.
        values = {int(v) for v in re.findall(r'name="a\d+"[^>]*value="(\d+)"', body)}
        assert values <= {1, 2, 3, 4}, label
        assert not values & choice_ids - {1, 2, 3, 4}, label


def _assert_right_and_wrong_choices_have_the_same_markup(bodies: list[tuple[str, str]]) -> None:
    pages = [body for label, body in bodies if label.startswith("page ")]
    markup = {"RIGHT": set(), "WRONG": set()}
    for body in pages:
        for label in re.findall(r"<label[^>]*>.*?</label>", body, flags=re.S):
            kind = re.search(r"(RIGHT|WRONG)TOKEN\d+x\d", label)
            if kind is None:
                continue
            # Keep the markup only: the token, the question's field name and the choice's position differ by design.
            shape = re.sub(r"(RIGHT|WRONG)TOKEN\d+x\d", "TEXT", label)
            shape = re.sub(r"a\d+-\d+", "ID", shape)
            shape = re.sub(r'name="a\d+"', 'name="N"', shape)
            shape = re.sub(r'value="\d+"', 'value="V"', shape)
            shape = shape.replace(" checked", "")
            markup[kind[1]].add(shape)
    assert len(markup["RIGHT"]) == len(markup["WRONG"]) == 2  # one radio shape, one checkbox shape
    assert markup["RIGHT"] == markup["WRONG"]


def _assert_right_and_wrong_answers_get_the_same_acknowledgement(bodies: list[tuple[str, str]]) -> None:
    fragments = {re.sub(r"\d\d:\d\d:\d\d", "T", body) for label, body in bodies if label.startswith("autosave")}
    assert len(fragments) == 1
    assert "Đã lưu lúc T" in fragments.pop()
