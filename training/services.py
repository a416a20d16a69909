"""Training workflows: marking lessons read, completing a module, issuing certificates, assigning
modules to units. Keyword-only, atomic: a refusal changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import Unit, User
from quizzes.models import Attempt
from training import access
from training.errors import LessonOutOfOrder, ModuleUnavailable
from training.models import Assignment, Certificate, Lesson, LessonProgress, Module, ModuleCompletion


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
