"""Organisers' completion rates per unit: completed against headcount and against the members
the assignments cover."""

from decimal import Decimal

from django.urls import reverse

from accounts.roles import Role
from tests.factories import make_user
from tests.training.factories import assign, read_all, take_quiz

URL = reverse("training:completion_rates")


def test_it_counts_completions_per_unit_against_headcount_and_members(organiser_client, staff_a, staff_b,
                                                                      manager_a, module, unit_a, unit_b, commune):
    assign(module, unit_a)
    assign(module, unit_b)
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = organiser_client.get(URL, {"module": module.pk})
    assert response.status_code == 200
    rates = {rate.unit.name: rate for rate in response.context["rates"]}
    assert set(rates) == {"Phòng A", "Phòng B"}
    unit_a_rate = rates["Phòng A"]
    assert (unit_a_rate.completed, unit_a_rate.members, unit_a_rate.headcount) == (1, 2, 5)
    assert unit_a_rate.rate_of_headcount == Decimal("20.0") and unit_a_rate.rate_of_members == Decimal("50.0")
    assert rates["Phòng B"].completed == 0 and rates["Phòng B"].rate_of_members == Decimal("0.0")
    assert "20,0%" in response.content.decode()  # Vietnamese decimal comma


def test_an_assignment_to_the_commune_rolls_up_its_units(organiser_client, staff_a, staff_b, module, commune):
    assign(module, commune)
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    rates = {rate.unit.name: rate for rate in organiser_client.get(URL).context["rates"]}
    # The organiser (in the commune itself) and the two staff members.
    assert (rates["Xã Thử Nghiệm"].members, rates["Xã Thử Nghiệm"].completed) == (3, 1)
    assert rates["Phòng A"].completed == 1 and rates["Phòng B"].members == 1


def test_the_page_takes_a_fixed_number_of_queries(organiser_client, module, unit_a, unit_b, commune,
                                                  django_assert_num_queries):
    assign(module, commune)
    for n in range(6):
        make_user(role=Role.STAFF, unit=unit_a if n % 2 else unit_b)
    with django_assert_num_queries(14):  # 10, and the commune it opens on and the unit filter (4)
        response = organiser_client.get(URL)
    assert len(response.context["rates"]) == 3


def test_an_unknown_module_is_refused_with_a_message(organiser_client, module, unit_a):
    assign(module, unit_a)
    response = organiser_client.get(URL, {"module": "999999"})
    assert response.status_code == 400
    assert "Học phần này chưa được giao cho đơn vị nào." in response.content.decode()


def test_only_organisers_see_it(manager_client, staff_a_client, client, db):
    assert manager_client.get(URL).status_code == 404
    assert staff_a_client.get(URL).status_code == 404
    assert client.get(URL).status_code == 302


def test_it_only_answers_get(organiser_client):
    assert organiser_client.post(URL).status_code == 405
