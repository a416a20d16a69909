"""A learner's progress through one module, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User
from quizzes.models import Attempt
from training.models import Certificate, Lesson, LessonProgress, Module, ModuleCompletion


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[Lesson]
    done_ids: set[int] = field(default_factory=set)
    completion: ModuleCompletion | None = None
    quiz_passed: bool = False

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.done_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def all_read(self) -> bool:
        return self.done == self.total

    @property
    def next_lesson(self) -> Lesson | None:
        """The first lesson not yet read: where "continue" leads."""
        return next((lesson for lesson in self.lessons if lesson.pk not in self.done_ids), None)

    @property
    def is_complete(self) -> bool:
        return self.completion is not None

    @property
    def certificate(self) -> Certificate | None:
        if self.completion is None:
            return None
        try:
            return self.completion.certificate
        except Certificate.DoesNotExist:
            return None

    def is_done(self, lesson: Lesson) -> bool:
        return lesson.pk in self.done_ids

    def is_unlocked(self, lesson: Lesson) -> bool:
        """Lessons are read in order: a lesson may be marked once every lesson before it is."""
        for earlier in self.lessons:
            if earlier.pk == lesson.pk:
                return True
            if earlier.pk not in self.done_ids:
                return False
        return False

    def previous_unread(self, lesson: Lesson) -> Lesson | None:
        for earlier in self.lessons:
            if earlier.pk == lesson.pk:
                return None
            if earlier.pk not in self.done_ids:
                return earlier
        return None

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        index = next(i for i, item in enumerate(self.lessons) if item.pk == lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following

    def lesson_rows(self) -> list[tuple[Lesson, bool, bool]]:
        """(lesson, done, unlocked) for templates."""
        rows, open_so_far = [], True
        for lesson in self.lessons:
            done = lesson.pk in self.done_ids
            rows.append((lesson, done, open_so_far))
            open_so_far = open_so_far and done
        return rows


def module_progress(*, user: User, module: Module) -> ModuleProgress:
    lessons = list(module.lessons.all())
    for lesson in lessons:
        lesson.module = module
    done_ids = set(
        LessonProgress.objects.filter(user=user, lesson__module=module).values_list("lesson_id", flat=True)
    )
    completion = (
        ModuleCompletion.objects.filter(user=user, module=module).select_related("certificate").first()
    )
    quiz_passed = bool(module.quiz_id) and (
        completion is not None
        or Attempt.objects.filter(quiz_id=module.quiz_id, user=user, passed=True).exists()
    )
    return ModuleProgress(module=module, lessons=lessons, done_ids=done_ids, completion=completion,
                          quiz_passed=quiz_passed)
