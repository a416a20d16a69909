"""The village officer (cán bộ thôn, trưởng thôn): acts for the residents of their own village
in person, and for nobody else. accounts/roles.py is the one place that says so."""

import pytest

from accounts.models import UnitKind
from accounts.roles import (
    Role,
    can_act_for,
    is_staff_member,
    may_assist,
    people_assisted_by,
    role_of,
)
from accounts.services import user_anonymise
from tests.assist_helpers import make_officer
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_village(commune):
    return make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune, headcount=30)


@pytest.fixture
def officer(village):
    return make_officer(village)


def test_an_officer_is_a_role_of_their_own_and_not_a_civil_servant(officer):
    assert role_of(officer) == Role.VILLAGE_OFFICER
    assert may_assist(officer)
    assert not is_staff_member(officer)


def test_residents_staff_and_unit_managers_act_for_nobody(resident, staff_a, manager_a):
    for person in (resident, staff_a, manager_a):
        assert not may_assist(person)
        assert list(people_assisted_by(person)) == []


def test_an_officer_acts_for_the_residents_of_their_village_only(officer, resident, village, other_village):
    neighbour = make_user(role=Role.RESIDENT, unit=village, full_name="Lê Thị Hàng Xóm")
    elsewhere = make_user(role=Role.RESIDENT, unit=other_village, full_name="Võ Văn Thôn Khác")
    assert set(people_assisted_by(officer)) == {resident, neighbour}
    assert can_act_for(officer, resident)
    assert not can_act_for(officer, elsewhere)


def test_an_officer_acts_for_residents_only_never_for_staff_other_officers_or_themselves(officer, village):
    staff_in_village = make_user(role=Role.STAFF, unit=village, full_name="Công Chức Ở Thôn")
    other_officer = make_officer(village, full_name="Phó Thôn")
    assert not can_act_for(officer, staff_in_village)
    assert not can_act_for(officer, other_officer)
    assert not can_act_for(officer, officer)


def test_nobody_acts_for_a_deleted_account(officer, resident):
    user_anonymise(user=resident)
    assert not can_act_for(officer, resident)


def test_an_organiser_acts_for_anyone_but_organisers_and_administrators(organiser, resident, staff_a, commune):
    other_organiser = make_user(role=Role.ORGANISER, unit=commune, full_name="Tổ Chức Khác")
    admin = make_user(role=Role.STAFF, unit=commune, full_name="Quản Trị", is_superuser=True)
    assert can_act_for(organiser, resident) and can_act_for(organiser, staff_a)
    assert not can_act_for(organiser, other_organiser)
    assert not can_act_for(organiser, admin)


def test_the_demo_has_a_village_officer_for_the_demo_resident(db):
    import io

    from accounts import demo
    from accounts.models import User

    demo.load(io.StringIO())
    officer = User.objects.get(phone="0905000006")
    assert role_of(officer) == Role.VILLAGE_OFFICER and officer.check_password(demo.DEMO_PASSWORD)
    assert can_act_for(officer, User.objects.get(phone="0905000005"))
