"""Who may open the question bank pages: organisers only. Staff, unit managers and residents get
a 404 (the pages are not advertised), anonymous visitors are sent to log in."""

import pytest
from django.urls import reverse

from quizzes.models import Question, Topic
from tests.quizzes.bank_helpers import make_question

# (url name, needs a question or topic pk, methods it refuses)
PAGES = [
    ("quizzes:bank_question_list", None, ["post"]),
    ("quizzes:bank_question_create", None, ["put"]),
    ("quizzes:bank_question_edit", "question", ["put"]),
    ("quizzes:bank_question_status", "question", ["get"]),
    ("quizzes:bank_question_delete", "question", ["put"]),
    ("quizzes:bank_topic_list", None, ["post"]),
    ("quizzes:bank_topic_create", None, ["delete"]),
    ("quizzes:bank_topic_edit", "topic", ["put"]),
    ("quizzes:bank_import", None, ["put"]),
    ("quizzes:bank_import_template", None, ["post"]),
    ("quizzes:bank_export", None, ["post"]),
]


@pytest.fixture
def question(db) -> Question:
    return make_question()


def _url(name: str, needs: str | None, question: Question) -> str:
    if needs == "question":
        return reverse(name, args=[question.pk])
    if needs == "topic":
        return reverse(name, args=[question.topic_id])
    return reverse(name)


@pytest.mark.parametrize(("name", "needs", "_refused"), PAGES)
@pytest.mark.parametrize("persona", ["staff_a_client", "manager_client", "resident_client"])
def test_it_hides_every_bank_page_from_non_organisers(request, persona, name, needs, _refused, question):
    client = request.getfixturevalue(persona)
    before = (Question.objects.count(), Topic.objects.count())
    method = "get" if name != "quizzes:bank_question_status" else "post"
    response = getattr(client, method)(_url(name, needs, question), {"status": "draft"})
    assert response.status_code == 404
    assert (Question.objects.count(), Topic.objects.count()) == before
    question.refresh_from_db()
    assert question.status == "published"


@pytest.mark.parametrize(("name", "needs", "_refused"), PAGES)
def test_it_sends_anonymous_visitors_to_log_in(client, name, needs, _refused, question):
    url = _url(name, needs, question)
    method = "get" if name != "quizzes:bank_question_status" else "post"
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "needs", "refused"), PAGES)
def test_it_answers_405_to_a_wrong_method(organiser_client, name, needs, refused, question):
    url = _url(name, needs, question)
    for method in refused:
        assert getattr(organiser_client, method)(url).status_code == 405


def test_it_answers_404_for_a_question_or_topic_that_does_not_exist(organiser_client, db):
    assert organiser_client.get(reverse("quizzes:bank_question_edit", args=[999])).status_code == 404
    assert organiser_client.get(reverse("quizzes:bank_topic_edit", args=[999])).status_code == 404
    assert organiser_client.post(reverse("quizzes:bank_question_delete", args=[999])).status_code == 404
