"""Training workflows: marking lessons read, completing a module, issuing certificates, assigning
modules to units, and the organisers' authoring (modules, lessons, images, the module quiz's draw
rules, publishing). Keyword-only, atomic: a refusal changes nothing; every organiser change is in
the audit log."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import Unit, User
from contests.fairness import quiz_publish_check
from quizzes.importers import unaccent
from quizzes.models import Attempt, Audience, Quiz, QuizDrawRule, Topic
from quizzes.services.attempts import draw_shortfalls
from training import access
from training.errors import (
    LessonOutOfOrder,
    ModuleHasNoLessons,
    ModuleUnavailable,
    PoolTooSmall,
    QuizDrawsNothing,
)
from training.models import (
    Assignment,
    Certificate,
    Lesson,
    LessonImage,
    LessonProgress,
    Module,
    ModuleCompletion,
    ModuleStatus,
)


def lesson_mark_read(*, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """Record that the learner read this lesson to its end. Marking a lesson twice is harmless;
    marking one before the lessons above it, or in a module the learner may not study, is refused."""
    now = now or timezone.now()
    module = lesson.module
    if not access.module_available_to(user, module):
        raise ModuleUnavailable()
    with transaction.atomic():
        earlier = module.lessons.filter(Q(order__lt=lesson.order) | Q(order=lesson.order, pk__lt=lesson.pk))
        unread = earlier.exclude(progress__user=user).order_by("order", "pk").first()
        if unread is not None:
            raise LessonOutOfOrder(
                _("Lessons are read in order: first finish “%(title)s”.") % {"title": unread.title}
            )
        try:
            with transaction.atomic():
                progress, _created = LessonProgress.objects.get_or_create(
                    user=user, lesson=lesson, defaults={"completed_at": now},
                )
        except IntegrityError:
            # A double click raced us to it: the lesson is read either way.
            progress = LessonProgress.objects.get(user=user, lesson=lesson)
        module_complete_if_done(user=user, module=module, now=now)
    return progress


def _quiz_passed(user: User, module: Module) -> bool:
    if module.quiz_id is None:
        return True
    return Attempt.objects.filter(quiz_id=module.quiz_id, user=user, passed=True).exists()


def module_complete_if_done(*, user: User, module: Module, now: datetime | None = None) -> ModuleCompletion | None:
    """Complete the module (once) when every lesson is read and its quiz passed, and issue the
    certificate. Called after each lesson and after each graded attempt, so the order in which
    the learner did the two does not matter. Returns the completion, new or existing, or None."""
    existing = ModuleCompletion.objects.filter(user=user, module=module).first()
    if existing is not None:
        return existing
    if access.unread_lessons(user, module) > 0 or not _quiz_passed(user, module):
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            completion = ModuleCompletion.objects.create(user=user, module=module, completed_at=now)
            certificate_issue(completion=completion, now=now)
    except IntegrityError:
        return ModuleCompletion.objects.get(user=user, module=module)
    return completion


def certificate_issue(*, completion: ModuleCompletion, now: datetime | None = None) -> Certificate:
    user = completion.user
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    completion=completion,
                    issued_at=now or timezone.now(),
                    holder_name=user.full_name,
                    unit_name=user.unit.name if user.unit_id else "",
                    module_title=completion.module.title,
                )
        except IntegrityError:
            # A code collision (1 in 31^10) or a certificate already issued for this completion.
            existing = Certificate.objects.filter(completion=completion).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique certificate code")


def on_attempt_finished(sender, attempt: Attempt, **kwargs) -> None:
    """attempt_finished receiver: a passed module quiz may complete the module. Runs inside the
    grading transaction, so the completion and the grade are committed together."""
    if not attempt.passed:
        return
    module = Module.objects.filter(quiz_id=attempt.quiz_id).first()
    if module is not None:
        module_complete_if_done(user=attempt.user, module=module, now=attempt.submitted_at)


def certificate_revoke(*, certificate: Certificate, reason: str, actor: User | None) -> Certificate:
    with transaction.atomic():
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        audit_log(actor=actor, action="certificate.revoke", obj=certificate,
                  summary=f"{certificate.code} {certificate.holder_name}", data={"reason": reason})
    return certificate


def assignment_assign(*, module: Module, units: list[Unit], due_date: date, actor: User) -> list[Assignment]:
    """Assign a module to each unit (its whole subtree) by a date; assigning again moves the date."""
    assignments = []
    with transaction.atomic():
        for unit in units:
            assignment, created = Assignment.objects.update_or_create(
                module=module, unit=unit, defaults={"due_date": due_date, "assigned_by": actor},
            )
            assignments.append(assignment)
            audit_log(
                actor=actor, action="assignment.create" if created else "assignment.update", obj=assignment,
                summary=f"{module.title} → {unit.name}",
                data={"module": module.pk, "unit": unit.pk, "due_date": due_date.isoformat()},
            )
    return assignments


def assignment_delete(*, assignment: Assignment, actor: User) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor, action="assignment.delete", obj=assignment,
            summary=f"{assignment.module.title} → {assignment.unit.name}",
            data={"module": assignment.module_id, "unit": assignment.unit_id,
                  "due_date": assignment.due_date.isoformat()},
        )
        assignment.delete()


# --- Authoring -------------------------------------------------------------------------------

def slug_from(title: str, taken, *, max_length: int = 90) -> str:
    """An address from a Vietnamese title ("Nghị quyết 76" → "nghi-quyet-76"), made unique
    against `taken` (a queryset of the same kind) with -2, -3…"""
    base = slugify(re.sub(r"[^\w\s-]", " ", unaccent(title)))[:max_length].strip("-") or "bai"
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def quiz_audience_for(module_audience: str) -> str:
    """A module for everyone is also taken by residents, so its quiz draws the questions written
    for the public (and for everyone); staff can answer those as well."""
    return Audience.PUBLIC if module_audience == Audience.BOTH else module_audience


def module_save(*, module: Module, actor: User, changed: list[str]) -> Module:
    """Create or update a module (its fields set by the caller). Its quiz follows its audience."""
    created = module.pk is None
    with transaction.atomic():
        module.save()
        if module.quiz_id and module.quiz.audience != quiz_audience_for(module.audience):
            module.quiz.audience = quiz_audience_for(module.audience)
            module.quiz.save(update_fields=["audience"])
        audit_log(actor=actor, action="module.create" if created else "module.update", obj=module,
                  summary=module.title, data={"changed": changed, "status": module.status})
    return module


def module_publish(*, module: Module, actor: User) -> Module:
    """Learners see a module once it is published. Refused while it has no lesson, or while its
    quiz asks for more questions than the bank holds (every attempt would fail to start)."""
    with transaction.atomic():
        if not module.lessons.exists():
            raise ModuleHasNoLessons()
        if module.quiz_id:
            _check_pools(module.quiz.audience, {rule.topic: rule.count for rule in
                                                module.quiz.draw_rules.select_related("topic")})
            # Its quiz opens to learners: refused if its review would show the right answers of a
            # running contest's questions (PoolOverlap, listing them).
            quiz_publish_check(module.quiz)
        module.status = ModuleStatus.PUBLISHED
        module.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action="module.publish", obj=module, summary=module.title)
    return module


def module_unpublish(*, module: Module, actor: User) -> Module:
    """Back to draft: learners no longer see it; their progress and certificates are kept."""
    with transaction.atomic():
        module.status = ModuleStatus.DRAFT
        module.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action="module.unpublish", obj=module, summary=module.title)
    return module


def lesson_save(*, lesson: Lesson, actor: User, changed: list[str]) -> Lesson:
    """Create or update a lesson; a new one goes after the module's last lesson."""
    created = lesson.pk is None
    with transaction.atomic():
        if created:
            last = lesson.module.lessons.order_by("-order").values_list("order", flat=True).first()
            lesson.order = (last or 0) + 1
        lesson.save()
        audit_log(actor=actor, action="lesson.create" if created else "lesson.update", obj=lesson,
                  summary=f"{lesson.module.title} / {lesson.title}",
                  data={"module": lesson.module_id, "changed": changed})
    return lesson


def lesson_move(*, lesson: Lesson, step: int, actor: User) -> None:
    """Move a lesson one place up (step -1) or down (+1); the lessons are renumbered 1, 2, 3…
    Learners read in this order."""
    with transaction.atomic():
        lessons = list(lesson.module.lessons.order_by("order", "pk"))
        index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
        target = index + step
        if not 0 <= target < len(lessons):
            return
        lessons[index], lessons[target] = lessons[target], lessons[index]
        for order, item in enumerate(lessons, start=1):
            item.order = order
        Lesson.objects.bulk_update(lessons, ["order"])
        audit_log(actor=actor, action="lesson.move", obj=lesson, summary=f"{lesson.module.title} / {lesson.title}",
                  data={"module": lesson.module_id, "order": [item.pk for item in lessons]})


def lesson_delete(*, lesson: Lesson, actor: User) -> None:
    """Remove a lesson with its images and the learners' "read" marks of it (completions and
    certificates already issued are kept)."""
    with transaction.atomic():
        audit_log(actor=actor, action="lesson.delete", obj=lesson, summary=f"{lesson.module.title} / {lesson.title}",
                  data={"module": lesson.module_id, "slug": lesson.slug})
        names = [image.file.name for image in lesson.images.all()]
        if lesson.attachment:
            names.append(lesson.attachment.name)
        storage = lesson.attachment.storage
        lesson.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def lesson_image_add(*, image: LessonImage, actor: User) -> LessonImage:
    """Keep an image (already validated: type sniffed, size) after the lesson's other images."""
    with transaction.atomic():
        last = image.lesson.images.order_by("-order").values_list("order", flat=True).first()
        image.order = (last or 0) + 1
        image.save()
        audit_log(actor=actor, action="lesson.image_add", obj=image.lesson,
                  summary=f"{image.lesson.title}: {image.alt_text}",
                  data={"image": image.pk, "file": image.file.name, "size": image.file.size})
    return image


def lesson_image_delete(*, image: LessonImage, actor: User) -> None:
    with transaction.atomic():
        audit_log(actor=actor, action="lesson.image_delete", obj=image.lesson,
                  summary=f"{image.lesson.title}: {image.alt_text}", data={"image": image.pk, "file": image.file.name})
        name = image.file.name
        image.delete()
        # The file goes once the row is gone for good (a rolled-back delete keeps both).
        transaction.on_commit(lambda: image.file.storage.delete(name))


def _check_pools(audience: str, counts: dict[Topic, int]) -> None:
    short = draw_shortfalls(audience=audience, counts={topic.pk: wanted for topic, wanted in counts.items()})
    for topic, wanted in counts.items():
        if topic.pk in short:
            raise PoolTooSmall(topic=topic, wanted=wanted, available=short[topic.pk])


def module_quiz_set(*, module: Module, counts: dict[Topic, int], pass_mark_percent: int,
                    time_limit_minutes: int, attempts_allowed: int | None, actor: User) -> Quiz:
    """The module quiz's settings and draw rules (N published questions per topic, at random,
    among those for the module's audience). Made with the module's first rules. Refused, with
    nothing changed, when a topic's pool is smaller than its rule or when nothing would be drawn."""
    counts = {topic: n for topic, n in counts.items() if n}
    if not counts:
        raise QuizDrawsNothing()
    audience = quiz_audience_for(module.audience)
    _check_pools(audience, counts)
    with transaction.atomic():
        quiz = module.quiz
        if quiz is None:
            quiz = Quiz(title=module.title, slug=slug_from(f"kiem-tra-{module.slug}", Quiz.objects))
        quiz.audience = audience
        quiz.pass_mark_percent = pass_mark_percent
        quiz.time_limit_seconds = time_limit_minutes * 60
        quiz.attempts_allowed = attempts_allowed
        quiz.save()
        if module.quiz_id != quiz.pk:
            module.quiz = quiz
            module.save(update_fields=["quiz", "updated_at"])
        # The page sets random draws; a fixed list (from the admin or an import) would override them.
        quiz.quizfixedquestion_set.all().delete()
        quiz.draw_rules.exclude(topic__in=list(counts)).delete()
        for topic, n in counts.items():
            QuizDrawRule.objects.update_or_create(quiz=quiz, topic=topic, defaults={"count": n})
        if module.status == ModuleStatus.PUBLISHED:
            quiz_publish_check(quiz)  # the new rules, as saved: a refusal rolls them back
        audit_log(actor=actor, action="module.quiz_update", obj=module, summary=module.title,
                  data={"quiz": quiz.pk, "rules": {topic.slug: n for topic, n in counts.items()},
                        "pass_mark_percent": pass_mark_percent, "time_limit_minutes": time_limit_minutes,
                        "attempts_allowed": attempts_allowed})
    return quiz
