"""The training personas' world: a published staff module of three lessons with a two-question
quiz, assigned to unit A (staff_a and manager_a learn it; staff_b of unit B does not have it
assigned but may still study it as a staff module)."""

import pytest

from tests.training.factories import assign, make_module


@pytest.fixture
def module(db):
    return make_module(title="Nghị quyết 76/NQ-CP")


@pytest.fixture
def assignment(module, unit_a):
    return assign(module, unit_a)


@pytest.fixture
def lessons(module):
    return list(module.lessons.all())
