"""The module quiz's draw rules: N published questions per topic, with the live count of the
bank's published questions for the module's audience beside each topic; a rule asking for more
than the pool holds is refused on its field and nothing is saved."""

import random

from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import Audience, QuestionStatus, Quiz
from quizzes.services.attempts import draw_questions
from tests.quizzes.attempt_factories import make_question, make_topic
from tests.training.factories import make_module
from training.models import ModuleStatus


def _bank():
    """Topic A: 3 published for everyone + 1 staff-only + 1 draft; topic B: 2 for residents only."""
    a, b = make_topic("Chính quyền hai cấp"), make_topic("Dịch vụ công")
    for _ in range(3):
        make_question(topic=a)
    make_question(topic=a, audience=Audience.STAFF)
    make_question(topic=a, status=QuestionStatus.DRAFT)
    for _ in range(2):
        make_question(topic=b, audience=Audience.PUBLIC)
    return a, b


def _data(a, b, *, count_a=2, count_b=0, **changes):
    return {"pass_mark_percent": 80, "time_limit_minutes": 10, "attempts_allowed": 2,
            f"topic_{a.pk}": count_a, f"topic_{b.pk}": count_b, **changes}


def test_the_page_shows_the_live_pool_of_each_topic_for_the_modules_audience(organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT)  # a staff module
    html = organiser_client.get(reverse("training:author_module_quiz", args=[module.pk])).content.decode()
    # Staff draw the questions for staff and for everyone, published only: 4 in A; none in B.
    assert "Chính quyền hai cấp" in html and "Có 4 câu hỏi đã xuất bản" in html and "Có 0 câu hỏi đã xuất bản" in html


def test_an_organiser_sets_the_draw_rules_and_a_quiz_is_made(organiser, organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT)
    response = organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]), _data(a, b, count_a=4))
    assert response.status_code == 302
    module.refresh_from_db()
    quiz = module.quiz
    assert quiz.audience == Audience.STAFF and quiz.pass_mark_percent == 80 and quiz.time_limit_seconds == 600
    assert quiz.attempts_allowed == 2
    assert [(rule.topic, rule.count) for rule in quiz.draw_rules.all()] == [(a, 4)]
    assert len(draw_questions(quiz, random.Random(3))) == 4
    entry = AuditEntry.objects.get(action="module.quiz_update")
    assert entry.actor == organiser and entry.data["rules"] == {a.slug: 4}


def test_a_pool_too_small_is_refused_on_its_field_and_nothing_is_saved(organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT)
    response = organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]),
                                     _data(a, b, count_a=5))
    assert response.status_code == 400
    message = "“Chính quyền hai cấp"  # the topic's name starts the message
    errors = str(response.context["form"].errors[f"topic_{a.pk}"])
    assert message in errors and "chỉ có 4 câu hỏi đã xuất bản" in errors and "không thể rút 5 câu" in errors
    module.refresh_from_db()
    assert module.quiz is None and not Quiz.objects.exists() and not AuditEntry.objects.exists()


def test_residents_pools_differ_from_staff_pools(organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT, audience=Audience.PUBLIC)
    ok = organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]),
                               _data(a, b, count_a=3, count_b=2))
    assert ok.status_code == 302
    refused = organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]),
                                    _data(a, b, count_a=4, count_b=2))  # the staff-only question is not theirs
    assert refused.status_code == 400
    module.refresh_from_db()
    assert {rule.topic: rule.count for rule in module.quiz.draw_rules.all()} == {a: 3, b: 2}


def test_bad_settings_are_explained_and_drawing_nothing_is_refused(organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT)
    url = reverse("training:author_module_quiz", args=[module.pk])
    bad = organiser_client.post(url, _data(a, b, pass_mark_percent=120, count_a=-1))
    assert bad.status_code == 400
    assert "Nhập số nguyên từ 1 đến 100." in str(bad.context["form"].errors["pass_mark_percent"])
    assert "Nhập số nguyên, từ 0 trở lên." in str(bad.context["form"].errors[f"topic_{a.pk}"])
    nothing = organiser_client.post(url, _data(a, b, count_a=0))
    assert nothing.status_code == 400 and "Hãy rút ít nhất một câu hỏi từ một chủ đề." in nothing.content.decode()
    assert not Quiz.objects.exists()


def test_publishing_is_refused_when_the_pool_has_shrunk(organiser_client):
    a, b = _bank()
    module = make_module(quiz=False, status=ModuleStatus.DRAFT)
    organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]), _data(a, b, count_a=4))
    a.questions.filter(audience=Audience.STAFF).update(status=QuestionStatus.DRAFT)  # the pool is now 3
    response = organiser_client.post(reverse("training:author_module_publish", args=[module.pk]))
    assert response.status_code == 409 and "không thể rút 4 câu" in response.content.decode()
    module.refresh_from_db()
    assert module.status == ModuleStatus.DRAFT


def test_the_rules_replace_a_fixed_list_of_questions(organiser_client, module):
    a, b = _bank()
    assert module.quiz.fixed_questions.exists()
    organiser_client.post(reverse("training:author_module_quiz", args=[module.pk]), _data(a, b, count_a=2))
    module.quiz.refresh_from_db()
    assert not module.quiz.fixed_questions.exists()
    assert len(draw_questions(module.quiz, random.Random(1))) == 2
