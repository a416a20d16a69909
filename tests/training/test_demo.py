"""The demo content loads from fixtures/training/: three published modules of 4–8 lessons, each
lesson's "## Nguồn" split into its sources, a 10-question quiz per module, assignments to the
commune's departments. Loading twice changes nothing."""

import io

import pytest

from accounts import demo as accounts_demo
from quizzes import demo as quizzes_demo
from quizzes.services.attempts import draw_questions
from training import demo
from training.models import Assignment, Lesson, Module, ModuleStatus


@pytest.fixture
def loaded(db):
    out = io.StringIO()
    accounts_demo.load(out)
    quizzes_demo.load(out)
    demo.load(out)
    return out


def test_it_loads_three_published_modules_with_lessons_quizzes_and_sources(loaded):
    modules = list(Module.objects.order_by("order"))
    assert [m.slug for m in modules] == ["nghi-quyet-76", "chinh-quyen-dia-phuong-2-cap", "dich-vu-cong-truc-tuyen"]
    for module in modules:
        assert module.status == ModuleStatus.PUBLISHED
        assert 4 <= module.lessons.count() <= 8
        assert sum(rule.count for rule in module.quiz.draw_rules.all()) == 10
        assert len(draw_questions(module.quiz, __import__("random").Random(1))) == 10
    for lesson in Lesson.objects.all():
        assert lesson.sources, lesson.slug
        assert "## Nguồn" not in lesson.body and not lesson.body.startswith("# ")
        lesson.full_clean()  # the content passes the authoring rules too


def test_the_first_lesson_is_parsed_from_its_file(loaded):
    lesson = Lesson.objects.get(module__slug="nghi-quyet-76", slug="tong-quan-nghi-quyet-76")
    assert lesson.title == "Tổng quan về Nghị quyết 76/NQ-CP" and lesson.order == 1
    assert lesson.sources.startswith("- Nghị quyết số 76/NQ-CP ngày 15/7/2021")


def test_the_modules_are_assigned_to_the_communes_departments_not_its_villages(loaded):
    units = set(Assignment.objects.values_list("unit__kind", flat=True))
    assert units and "village" not in units
    assert Assignment.objects.values("unit__parent__name").distinct().get()["unit__parent__name"] == "Xã Đông Trà Bồng"


def test_loading_twice_changes_nothing(loaded):
    counts = (Module.objects.count(), Lesson.objects.count(), Assignment.objects.count())
    demo.load(io.StringIO())
    assert (Module.objects.count(), Lesson.objects.count(), Assignment.objects.count()) == counts
