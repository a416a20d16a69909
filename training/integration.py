"""What training adds to the apps below it, as receivers of their signals (connected in
TrainingConfig.ready()): a column in the unit manager's member table, a section of the "My data"
download, the module quiz's gate, and the erasure of a certificate holder's name when the person
asks for their data to be deleted."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.members import MemberColumn
from accounts.models import User
from quizzes.models import Quiz
from training.access import module_quiz_refusal
from training.models import Certificate, LessonProgress, ModuleCompletion


def _annotate_modules_done(members):
    # A subquery, not a join: other columns may annotate too, and joins would multiply the counts.
    done = (
        ModuleCompletion.objects.filter(user=OuterRef("pk")).order_by().values("user")
        .annotate(n=Count("pk")).values("n")
    )
    return members.annotate(modules_done=Coalesce(Subquery(done, output_field=IntegerField()), 0))


def member_columns(sender, **kwargs) -> list[MemberColumn]:
    return [MemberColumn(
        key="modules_done", label=_("Modules completed"), numeric=True,
        annotate=_annotate_modules_done, value=lambda member, viewer: member.modules_done,
    )]


def training_personal_data(sender, user: User, **kwargs) -> dict[str, Any]:
    return {"training": {
        "lessons_read": [
            {"module": p.lesson.module.title, "lesson": p.lesson.title, "completed_at": p.completed_at.isoformat()}
            for p in LessonProgress.objects.filter(user=user).select_related("lesson__module")
        ],
        "modules_completed": [
            {"module": c.module.title, "completed_at": c.completed_at.isoformat()}
            for c in ModuleCompletion.objects.filter(user=user).select_related("module")
        ],
        "certificates": [
            {"code": c.code, "module": c.module_title, "holder": c.holder_name, "unit": c.unit_name,
             "issued_at": c.issued_at.isoformat(), "revoked": c.is_revoked}
            for c in Certificate.objects.filter(completion__user=user)
        ],
    }}


def erase_certificate_names(sender, instance: User, **kwargs) -> None:
    # The public verification page shows the holder's name: an anonymised person's certificates
    # then show the anonymous name instead.
    if instance.anonymised_at is not None:
        Certificate.objects.filter(completion__user=instance).exclude(holder_name=instance.full_name).update(
            holder_name=instance.full_name, unit_name=""
        )


def module_quiz_access(sender, quiz: Quiz, user, **kwargs) -> bool | None:
    """quiz_access: a module's quiz opens to that module's learners once every lesson is read
    (the engine then 404s the quiz for anyone else); other quizzes are not ours (None)."""
    return False if module_quiz_refusal(user=user, quiz=quiz) is not None else None
