import pytest

from tests.reports.scenario import build


@pytest.fixture
def scenario(unit_a, unit_b, village, organiser, manager_a, staff_a, staff_b, resident):
    return build(unit_a=unit_a, unit_b=unit_b, village=village, organiser=organiser, manager_a=manager_a,
                 staff_a=staff_a, staff_b=staff_b, resident=resident)
