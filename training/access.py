"""Who may study what. The one place that answers "may this learner see this module, read this
lesson, take this module's quiz"; views, the API and the quiz engine's gate all ask here."""

from __future__ import annotations

from accounts import roles
from accounts.models import User
from quizzes.models import Audience, Quiz
from training.errors import LessonsNotFinished, ModuleUnavailable
from training.models import Lesson, LessonProgress, Module, ModuleQuerySet


def learner_audiences(user: User) -> set[str]:
    """Civil servants (any staff role) see staff modules; everyone else, public ones."""
    if roles.is_staff_member(user):
        return {Audience.STAFF, Audience.BOTH}
    return {Audience.PUBLIC, Audience.BOTH}


def unit_path_of(user: User) -> str:
    return user.unit.path if user.unit_id else ""


def modules_for_learner(user: User) -> ModuleQuerySet:
    if not user.is_authenticated:
        return Module.objects.none()
    return Module.objects.for_learner(audiences=learner_audiences(user), unit_path=unit_path_of(user))


def module_for_learner(user: User, slug: str) -> Module:
    module = modules_for_learner(user).select_related("quiz").filter(slug=slug).first()
    if module is None:
        raise ModuleUnavailable()
    return module


def lesson_for_learner(user: User, module_slug: str, lesson_slug: str) -> Lesson:
    module = module_for_learner(user, module_slug)
    lesson = module.lessons.filter(slug=lesson_slug).first()
    if lesson is None:
        raise ModuleUnavailable()
    lesson.module = module  # already fetched: saves a query in every template that asks
    return lesson


def module_available_to(user: User, module: Module) -> bool:
    return modules_for_learner(user).filter(pk=module.pk).exists()


def unread_lessons(user: User, module: Module) -> int:
    read = LessonProgress.objects.filter(user=user, lesson__module=module).count()
    return module.lessons.count() - read


def module_quiz_refusal(*, user: User, quiz: Quiz) -> str | None:
    """Why this person may not start this quiz now, or None. A module's quiz is for the learners
    of that module who have read every lesson; a quiz of no module is not our business."""
    module = Module.objects.filter(quiz=quiz).first()
    if module is None:
        return None
    if not module_available_to(user, module):
        return ModuleUnavailable().message
    if unread_lessons(user, module) > 0:
        return LessonsNotFinished().message
    return None
