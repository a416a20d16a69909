"""Marking lessons read, completing a module, issuing certificates: the rules of
training/services.py, in the order a learner meets them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import user_anonymise
from tests.training.factories import assign, make_module, read_all, take_quiz
from training.errors import LessonOutOfOrder, ModuleUnavailable
from training.models import Assignment, Certificate, LessonProgress, ModuleCompletion, ModuleStatus
from training.services import (
    assignment_assign,
    assignment_delete,
    certificate_revoke,
    lesson_mark_read,
    module_complete_if_done,
)


def test_it_records_a_lesson_read_once_however_often_it_is_marked(module, lessons, staff_a, assignment):
    first = lesson_mark_read(user=staff_a, lesson=lessons[0])
    again = lesson_mark_read(user=staff_a, lesson=lessons[0])
    assert first.pk == again.pk
    assert LessonProgress.objects.filter(user=staff_a).count() == 1


def test_it_refuses_a_lesson_out_of_order_and_records_nothing(module, lessons, staff_a, assignment):
    with pytest.raises(LessonOutOfOrder) as refused:
        lesson_mark_read(user=staff_a, lesson=lessons[2])
    assert refused.value.message == "Các bài được học theo thứ tự: hãy học xong “Bài 1” trước."
    assert not LessonProgress.objects.filter(user=staff_a).exists()


def test_it_names_the_first_unread_lesson_when_one_in_the_middle_is_skipped(module, lessons, staff_a, assignment):
    lesson_mark_read(user=staff_a, lesson=lessons[0])
    with pytest.raises(LessonOutOfOrder) as refused:
        lesson_mark_read(user=staff_a, lesson=lessons[2])
    assert "“Bài 2”" in refused.value.message
    assert LessonProgress.objects.filter(user=staff_a).count() == 1


def test_it_refuses_a_lesson_of_a_draft_module(staff_a, unit_a):
    draft = make_module(status=ModuleStatus.DRAFT)
    assign(draft, unit_a)
    with pytest.raises(ModuleUnavailable) as refused:
        lesson_mark_read(user=staff_a, lesson=draft.lessons.first())
    assert refused.value.message == "Học phần này chưa được phát hành hoặc không dành cho bạn."
    assert not LessonProgress.objects.exists()


def test_it_refuses_a_staff_module_to_a_resident_it_is_not_assigned_to(module, lessons, resident):
    with pytest.raises(ModuleUnavailable):
        lesson_mark_read(user=resident, lesson=lessons[0])
    assert not LessonProgress.objects.exists()


def test_an_assignment_opens_a_module_outside_the_learners_audience(module, lessons, resident, village):
    assign(module, village)
    lesson_mark_read(user=resident, lesson=lessons[0])
    assert LessonProgress.objects.filter(user=resident).count() == 1


def test_reading_every_lesson_without_the_quiz_does_not_complete(module, staff_a, assignment):
    read_all(module, staff_a)
    assert not ModuleCompletion.objects.exists()


def test_passing_the_quiz_after_the_lessons_completes_and_issues_the_certificate(module, staff_a, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    completion = ModuleCompletion.objects.get(user=staff_a, module=module)
    certificate = completion.certificate
    assert certificate.holder_name == "Phạm Thị An"
    assert certificate.unit_name == "Phòng A"
    assert certificate.module_title == "Nghị quyết 76/NQ-CP"
    assert len(certificate.code) == 10


def test_the_last_lesson_after_a_passed_quiz_completes_the_module(module, lessons, staff_a, assignment):
    for lesson in lessons[:-1]:
        lesson_mark_read(user=staff_a, lesson=lesson)
    take_quiz(module, staff_a)
    assert not ModuleCompletion.objects.exists()
    lesson_mark_read(user=staff_a, lesson=lessons[-1])
    assert ModuleCompletion.objects.filter(user=staff_a, module=module).count() == 1
    assert Certificate.objects.filter(completion__user=staff_a).count() == 1


def test_a_failed_quiz_does_not_complete(module, staff_a, assignment):
    read_all(module, staff_a)
    attempt = take_quiz(module, staff_a, passing=False)
    assert attempt.passed is False
    assert not ModuleCompletion.objects.exists()


def test_completing_twice_keeps_one_completion_and_one_certificate(module, staff_a, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    take_quiz(module, staff_a)
    again = module_complete_if_done(user=staff_a, module=module)
    assert ModuleCompletion.objects.count() == 1 and Certificate.objects.count() == 1
    assert again == ModuleCompletion.objects.get()


def test_a_module_without_a_quiz_completes_with_its_lessons(staff_a, unit_a):
    module = make_module(quiz=False, lessons=2)
    assign(module, unit_a)
    read_all(module, staff_a)
    assert ModuleCompletion.objects.filter(user=staff_a, module=module).exists()


def test_a_certificate_keeps_the_name_it_was_issued_with(module, staff_a, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    staff_a.full_name = "Phạm Thị An Bình"
    staff_a.save()
    assert Certificate.objects.get().holder_name == "Phạm Thị An"


def test_anonymising_the_holder_erases_the_name_on_the_certificate(module, staff_a, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    user_anonymise(user=staff_a)
    certificate = Certificate.objects.get()
    assert "Phạm Thị An" not in certificate.holder_name and certificate.unit_name == ""


def test_revoking_records_when_why_and_who(module, staff_a, organiser, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    certificate = certificate_revoke(certificate=Certificate.objects.get(), reason="Cấp nhầm", actor=organiser)
    assert certificate.is_revoked and certificate.revoked_reason == "Cấp nhầm"
    assert AuditEntry.objects.filter(action="certificate.revoke", actor=organiser).exists()


def test_assigning_creates_one_assignment_per_unit_and_moves_the_date_when_repeated(module, unit_a, unit_b,
                                                                                    organiser):
    due = timezone.localdate() + timedelta(days=7)
    assignment_assign(module=module, units=[unit_a, unit_b], due_date=due, actor=organiser)
    later = due + timedelta(days=7)
    assignment_assign(module=module, units=[unit_a], due_date=later, actor=organiser)
    assert dict(Assignment.objects.values_list("unit__name", "due_date")) == {"Phòng A": later, "Phòng B": due}
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["assignment.create", "assignment.create", "assignment.update"]


def test_deleting_an_assignment_is_audited(assignment, organiser):
    assignment_delete(assignment=assignment, actor=organiser)
    assert not Assignment.objects.exists()
    entry = AuditEntry.objects.get(action="assignment.delete")
    assert entry.actor == organiser and "Phòng A" in entry.summary
