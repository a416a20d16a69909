"""Publishing refused when pools overlap (issue 12, "Fairness rules"): a quiz whose review would
show the right answers of a question a running contest can draw, or a contest whose pool such a
quiz shows, is not published; the refusal lists the overlapping questions, in Vietnamese, and
carries them for a page to link. Disjoint pools, or a review that shows nothing before the
contest is over, are published."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from contests.errors import ContestPoolOverlap, QuizPoolOverlap
from contests.fairness import contest_publish_check, live_pool_question_ids, quiz_publish_check
from contests.models import ContestAudience, Round
from quizzes.models import Audience, QuestionStatus, QuizDrawRule, ReviewPolicy
from tests.contests.helpers import NOW, make_contest
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic
from tests.training.factories import make_module
from training.models import ModuleStatus

pytestmark = pytest.mark.django_db


def make_pool_round(contest, topic, *, count=2, opens_at=None, closes_at=None, number=1, **quiz_fields):
    """A round whose quiz draws `count` questions of `topic` (its pool: every published question
    of the topic for everyone)."""
    quiz = make_quiz(draw=[(topic, count)], review_policy=quiz_fields.pop("review_policy", ReviewPolicy.NEVER),
                     **quiz_fields)
    return Round.objects.create(contest=contest, number=number, quiz=quiz,
                                opens_at=opens_at or NOW - timedelta(days=1),
                                closes_at=closes_at or NOW + timedelta(days=6))


@pytest.fixture
def bank():
    topic = make_topic("Chuyển đổi số")
    return topic, [make_question(topic=topic, text=f"Dịch vụ công trực tuyến toàn trình số {n} là gì?")
                   for n in range(4)]


@pytest.fixture
def contest(bank):
    contest = make_contest(title="Tìm hiểu cải cách hành chính 2026")
    make_pool_round(contest, bank[0])
    return contest


def test_a_quiz_reviewing_right_away_from_a_running_contest_s_pool_is_refused_with_the_questions(bank, contest):
    topic, questions = bank
    module_quiz = make_quiz(draw=[(topic, 2)], review_policy=ReviewPolicy.IMMEDIATELY, title="Kiểm tra học phần 1")
    with pytest.raises(QuizPoolOverlap) as refused:
        quiz_publish_check(module_quiz)
    assert refused.value.questions == questions
    assert refused.value.conflicts == [contest]
    assert refused.value.status == 409
    message = refused.value.message
    assert message.startswith("Không thể xuất bản bài kiểm tra này: 4 câu hỏi")
    assert "«Tìm hiểu cải cách hành chính 2026»" in message
    assert "«Dịch vụ công trực tuyến toàn trình số 0 là gì?»" in message


def test_the_list_names_ten_questions_shortened_then_counts_the_rest(contest, bank):
    topic, _questions = bank
    long = "Theo Nghị quyết 76/NQ-CP, mục tiêu cải cách thủ tục hành chính giai đoạn này bao gồm những gì?"
    for _ in range(9):
        make_question(topic=topic, text=long)
    with pytest.raises(QuizPoolOverlap) as refused:
        quiz_publish_check(make_quiz(draw=[(topic, 1)], review_policy=ReviewPolicy.IMMEDIATELY))
    assert len(refused.value.questions) == 13
    message = refused.value.message
    assert message.count("«") == 10 + 1  # ten questions and the contest
    assert "và 3 câu khác" in message
    assert long not in message
    assert "«Theo Nghị quyết 76/NQ-CP, mục tiêu cải cách thủ tục hành…»" in message


def test_a_fixed_question_of_the_pool_is_an_overlap_too(bank, contest):
    other = make_question(topic=make_topic())
    quiz = make_quiz(questions=[other, bank[1][2]], review_policy=ReviewPolicy.IMMEDIATELY)
    with pytest.raises(QuizPoolOverlap) as refused:
        quiz_publish_check(quiz)
    assert refused.value.questions == [bank[1][2]]


@pytest.mark.parametrize("why", ["other topic", "review never", "review after a close past the contest",
                                 "staff quiz, residents' contest", "draft questions only"])
def test_a_quiz_that_gives_nothing_away_is_published(bank, why):
    topic, _questions = bank
    contest = make_contest(audience=ContestAudience.RESIDENTS if "residents" in why else ContestAudience.BOTH)
    round_ = make_pool_round(contest, topic)
    quiz = {
        "other topic": lambda: make_quiz(draw=[(make_topic(), 1)], review_policy=ReviewPolicy.IMMEDIATELY),
        "review never": lambda: make_quiz(draw=[(topic, 1)], review_policy=ReviewPolicy.NEVER),
        "review after a close past the contest": lambda: make_quiz(
            draw=[(topic, 1)], review_policy=ReviewPolicy.AFTER_CLOSE, closes_at=round_.closes_at + timedelta(days=1)),
        "staff quiz, residents' contest": lambda: make_quiz(draw=[(topic, 1)], audience=Audience.STAFF,
                                                            review_policy=ReviewPolicy.IMMEDIATELY),
        "draft questions only": lambda: make_quiz(
            questions=[make_question(topic=topic, status=QuestionStatus.DRAFT)],
            review_policy=ReviewPolicy.IMMEDIATELY),
    }[why]()
    quiz_publish_check(quiz)  # does not raise


def test_a_review_opening_before_the_contest_ends_is_refused(bank, contest):
    ends = contest.rounds.get().closes_at
    quiz = make_quiz(draw=[(bank[0], 1)], review_policy=ReviewPolicy.AFTER_CLOSE, closes_at=ends - timedelta(days=1))
    with pytest.raises(QuizPoolOverlap):
        quiz_publish_check(quiz)


def test_a_contest_whose_rounds_are_all_over_or_a_draft_protects_nothing(bank):
    topic, _questions = bank
    make_pool_round(make_contest(), topic, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(days=2))
    make_pool_round(make_contest(is_published=False), topic)
    quiz_publish_check(make_quiz(draw=[(topic, 1)], review_policy=ReviewPolicy.IMMEDIATELY))
    assert live_pool_question_ids() == set()


def test_round_1_s_pool_stays_live_while_round_2_is_to_come(bank):
    topic, questions = bank
    contest = make_contest()
    make_pool_round(contest, topic, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(days=2))
    make_pool_round(contest, make_topic(), number=2, opens_at=NOW + timedelta(days=1),
                    closes_at=NOW + timedelta(days=8))
    assert live_pool_question_ids() == {q.pk for q in questions}
    with pytest.raises(QuizPoolOverlap):
        quiz_publish_check(make_quiz(draw=[(topic, 1)], review_policy=ReviewPolicy.IMMEDIATELY))


def test_the_live_pool_is_each_contest_s_own(bank, contest):
    topic, questions = bank
    other = make_contest()
    make_pool_round(other, make_topic())
    assert live_pool_question_ids(contest=contest) == {q.pk for q in questions}
    assert live_pool_question_ids(contest=other) == set()
    assert {q.pk for q in questions} <= live_pool_question_ids()


def test_a_round_s_own_quiz_is_not_refused_for_its_own_contest(contest):
    # Its review is withheld while the contest runs (test_fairness_review.py), not refused.
    round_ = contest.rounds.get()
    round_.quiz.review_policy = ReviewPolicy.IMMEDIATELY
    round_.quiz.save()
    quiz_publish_check(round_.quiz)


def test_a_contest_whose_pool_a_reviewable_quiz_shows_is_refused_with_the_quizzes(bank):
    topic, questions = bank
    module_quiz = make_quiz(draw=[(topic, 2)], review_policy=ReviewPolicy.IMMEDIATELY, title="Kiểm tra học phần 1")
    make_quiz(draw=[(topic, 2)], review_policy=ReviewPolicy.NEVER, title="Không xem lại")
    draft = make_contest(is_published=False, title="Cuộc thi tháng 12")
    make_pool_round(draft, topic)
    with pytest.raises(ContestPoolOverlap) as refused:
        contest_publish_check(draft)
    assert refused.value.questions == questions
    assert refused.value.conflicts == [module_quiz]
    assert refused.value.message.startswith("Không thể xuất bản cuộc thi này: 4 câu hỏi")
    assert "«Kiểm tra học phần 1»" in refused.value.message


def test_a_contest_with_disjoint_pools_is_published(bank):
    make_quiz(draw=[(bank[0], 2)], review_policy=ReviewPolicy.IMMEDIATELY)
    draft = make_contest(is_published=False)
    make_pool_round(draft, make_topic())
    contest_publish_check(draft)


def test_a_staff_only_contest_ignores_a_residents_only_review(bank):
    # Nobody can take both: residents are refused at a staff contest, and the other way round.
    make_quiz(draw=[(bank[0], 2)], audience=Audience.STAFF, review_policy=ReviewPolicy.IMMEDIATELY)
    residents = make_contest(is_published=False, audience=ContestAudience.RESIDENTS)
    make_pool_round(residents, bank[0])
    contest_publish_check(residents)


# --- Where publishing happens today: the admin -----------------------------------------------


@pytest.fixture
def admin_client(client, commune):
    admin = make_user(unit=commune, is_staff=True, is_superuser=True)
    client.force_login(admin, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _quiz_form(quiz, topic):
    return {
        "title": quiz.title, "slug": quiz.slug, "audience": quiz.audience, "time_limit_seconds": 600,
        "pass_mark_percent": 70, "attempts_allowed": 1, "scoring_rule": "highest", "review_policy": "immediately",
        "draw_rules-TOTAL_FORMS": 1, "draw_rules-INITIAL_FORMS": 0,
        "draw_rules-0-topic": topic.pk, "draw_rules-0-count": 2,
        "quizfixedquestion_set-TOTAL_FORMS": 0, "quizfixedquestion_set-INITIAL_FORMS": 0,
        "overrides-TOTAL_FORMS": 0, "overrides-INITIAL_FORMS": 0,
    }


def test_the_quiz_admin_refuses_a_draw_rule_into_a_running_contest_s_pool_and_saves_nothing(admin_client, bank,
                                                                                          contest):
    quiz = make_quiz(draw=[(make_topic(), 1)], review_policy=ReviewPolicy.NEVER)
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    response = admin_client.post(url, _quiz_form(quiz, bank[0]), follow=True)
    assert "Không thể xuất bản bài kiểm tra này: 4 câu hỏi" in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.review_policy == ReviewPolicy.NEVER
    assert list(QuizDrawRule.objects.filter(quiz=quiz).values_list("topic_id", flat=True)) != [bank[0].pk]
    assert not AuditEntry.objects.filter(action="quiz.update").exists()


def test_the_quiz_admin_saves_a_quiz_with_a_pool_of_its_own(admin_client, contest):
    quiz = make_quiz(draw=[(make_topic(), 1)], review_policy=ReviewPolicy.NEVER)
    other = make_topic()
    response = admin_client.post(reverse("admin:quizzes_quiz_change", args=[quiz.pk]), _quiz_form(quiz, other))
    assert response.status_code == 302
    assert QuizDrawRule.objects.filter(quiz=quiz, topic=other).exists()


def test_the_contest_admin_refuses_to_publish_a_contest_a_quiz_gives_away(admin_client, bank):
    make_quiz(draw=[(bank[0], 2)], review_policy=ReviewPolicy.IMMEDIATELY, title="Kiểm tra học phần 1")
    draft = make_contest(is_published=False)
    round_ = make_pool_round(draft, bank[0])
    data = {
        "title": draft.title, "slug": draft.slug, "audience": "both", "prediction_kind": "participants",
        "individual_prizes": 3, "staff_prizes": 0, "resident_prizes": 0, "unit_prizes": 3,
        "unit_min_participation_percent": 50, "suspicious_seconds_per_question": 3,
        "suspicious_accounts_per_device": 3, "is_published": "on", "exclude_organisers_from_prizes": "on",
        "rounds-TOTAL_FORMS": 1, "rounds-INITIAL_FORMS": 1, "rounds-0-id": round_.pk, "rounds-0-contest": draft.pk,
        "rounds-0-number": 1, "rounds-0-quiz": round_.quiz_id,
        "rounds-0-opens_at_0": round_.opens_at.strftime("%d/%m/%Y"), "rounds-0-opens_at_1": "00:00",
        "rounds-0-closes_at_0": round_.closes_at.strftime("%d/%m/%Y"), "rounds-0-closes_at_1": "23:59",
    }
    response = admin_client.post(reverse("admin:contests_contest_change", args=[draft.pk]), data, follow=True)
    assert "Không thể xuất bản cuộc thi này" in response.content.decode()
    assert "«Kiểm tra học phần 1»" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def _module_form(module, status):
    return {
        "title": module.title, "slug": module.slug, "summary": "", "audience": module.audience, "order": 1,
        "status": status, "estimated_minutes": 30, "quiz": module.quiz_id,
        "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0,
    }


def test_the_module_admin_refuses_to_publish_a_module_whose_quiz_gives_the_contest_away(admin_client, bank, contest):
    quiz = make_quiz(draw=[(bank[0], 2)], audience=Audience.PUBLIC, review_policy=ReviewPolicy.IMMEDIATELY)
    module = make_module(lessons=0, status=ModuleStatus.DRAFT, audience=Audience.PUBLIC, quiz=quiz)
    url = reverse("admin:training_module_change", args=[module.pk])
    response = admin_client.post(url, _module_form(module, ModuleStatus.PUBLISHED))
    assert response.status_code == 200
    assert "Không thể xuất bản bài kiểm tra này: 4 câu hỏi" in response.content.decode()
    module.refresh_from_db()
    assert module.status == ModuleStatus.DRAFT
    quiz.review_policy = ReviewPolicy.NEVER  # the organiser's way out, besides other topics
    quiz.save()
    assert admin_client.post(url, _module_form(module, ModuleStatus.PUBLISHED)).status_code == 302
    module.refresh_from_db()
    assert module.status == ModuleStatus.PUBLISHED


def test_publishing_a_module_from_the_authoring_pages_is_refused_the_same_way(bank, contest, commune):
    # The organisers' pages publish through training.services.module_publish: the same check.
    from accounts.roles import Role
    from training.services import module_publish

    organiser = make_user(role=Role.ORGANISER, unit=commune)
    quiz = make_quiz(draw=[(bank[0], 2)], audience=Audience.PUBLIC, review_policy=ReviewPolicy.IMMEDIATELY)
    module = make_module(lessons=1, status=ModuleStatus.DRAFT, audience=Audience.PUBLIC, quiz=quiz)
    with pytest.raises(QuizPoolOverlap):
        module_publish(module=module, actor=organiser)
    module.refresh_from_db()
    assert module.status == ModuleStatus.DRAFT
    assert not AuditEntry.objects.filter(action="module.publish").exists()
