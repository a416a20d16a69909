"""What training adds to other apps through their extension points: a column in the unit
manager's member table, a section of the "My data" download, and the erasure of a certificate
holder's name when the person asks for their data to be deleted."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from accounts.members import MemberColumn, register_member_column
from accounts.models import User
from accounts.personal_data import register_section
from quizzes.access import register_quiz_gate
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


def training_personal_data(user: User) -> dict[str, Any]:
    return {
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
    }


def _erase_certificate_names(sender, instance: User, **kwargs) -> None:
    # The public verification page shows the holder's name: an anonymised person's certificates
    # then show the anonymous name instead.
    if instance.anonymised_at is not None:
        Certificate.objects.filter(completion__user=instance).exclude(holder_name=instance.full_name).update(
            holder_name=instance.full_name, unit_name=""
        )


def module_quiz_gate(quiz: Quiz, user) -> bool:
    """The quiz engine's gate: a module's quiz opens to that module's learners once every lesson
    is read (the engine then 404s the quiz for anyone else)."""
    return module_quiz_refusal(user=user, quiz=quiz) is None


ORGANISER_PERMISSIONS = [
    "add_module", "change_module", "view_module", "delete_module",
    "add_lesson", "change_lesson", "view_lesson", "delete_lesson",
    "view_assignment", "delete_assignment", "view_certificate", "change_certificate",
]


def grant_organiser_permissions(**_kwargs) -> None:
    """Organisers author modules in the admin: their group gets training's model permissions
    (after migrate, like accounts.roles.ensure_roles; idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import Role

    group, _created = Group.objects.get_or_create(name=Role.ORGANISER.value)
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="training", codename__in=ORGANISER_PERMISSIONS,
    ))


_registered = False


def register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    register_member_column(MemberColumn(
        key="modules_done", label=_("Modules completed"), numeric=True,
        annotate=_annotate_modules_done, value=lambda member, viewer: member.modules_done,
    ))
    register_section("training")(training_personal_data)
    register_quiz_gate(module_quiz_gate)
    post_migrate.connect(grant_organiser_permissions, dispatch_uid="training.grant_organiser_permissions")
    post_save.connect(_erase_certificate_names, sender=User, dispatch_uid="training.erase_certificate_names")
