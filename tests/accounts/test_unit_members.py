"""The member list of a unit: who may see it, which members, and how phones are shown."""

import pytest
from django.urls import reverse

from accounts.members import MemberColumn
from accounts.models import UnitKind
from accounts.privacy import mask_phone
from accounts.roles import Role
from accounts.services import user_anonymise
from accounts.signals import member_columns
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:unit_members")


@pytest.fixture
def team_a(unit_a, manager_a, staff_a):
    section = make_unit("Tổ Một", kind=UnitKind.DEPARTMENT, parent=unit_a)
    deep = make_user(role=Role.STAFF, unit=section, full_name="Đặng Văn Tổ", position="Tổ trưởng")
    return {"section": section, "deep": deep}


def names(response) -> list[str]:
    return [row.member.full_name for row in response.context["rows"]]


def test_a_unit_manager_sees_the_whole_subtree_of_their_unit(manager_client, team_a, staff_b, resident):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(["Lê Văn Quản Lý", "Phạm Thị An", "Đặng Văn Tổ"])
    page = response.content.decode()
    assert "Võ Văn Bình" not in page and "Nguyễn Văn Dân" not in page
    assert "Tổ trưởng" in page


def test_a_unit_manager_sees_phones_masked_except_their_own(manager_client, manager_a, staff_a):
    page = manager_client.get(URL).content.decode()
    assert staff_a.phone not in page
    assert mask_phone(staff_a.phone) in page
    assert manager_a.phone in page


def test_an_organiser_sees_everyone_with_phones_in_full(organiser_client, staff_a, staff_b, resident):
    response = organiser_client.get(URL)
    page = response.content.decode()
    assert {"Phạm Thị An", "Võ Văn Bình", "Nguyễn Văn Dân"} <= set(names(response))
    assert staff_b.phone in page and resident.phone in page


def test_an_organiser_picks_a_unit_with_the_filter(organiser_client, unit_b, staff_a, staff_b):
    response = organiser_client.get(URL, {"unit": unit_b.pk})
    assert names(response) == ["Võ Văn Bình"]
    assert response.context["unit"] == unit_b


def test_a_unit_manager_may_narrow_to_a_unit_below_theirs(manager_client, team_a):
    response = manager_client.get(URL, {"unit": team_a["section"].pk})
    assert names(response) == ["Đặng Văn Tổ"]


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_an_unknown_unit_in_the_filter_gets_a_vietnamese_message(organiser_client, value):
    response = organiser_client.get(URL, {"unit": value})
    assert response.status_code == 200
    assert "Đơn vị này không tồn tại hoặc nằm ngoài phạm vi bạn quản lý." in response.content.decode()


def test_a_unit_manager_cannot_filter_to_a_unit_outside_theirs(manager_client, unit_b, staff_b):
    response = manager_client.get(URL, {"unit": unit_b.pk})
    assert "Đơn vị này không tồn tại hoặc nằm ngoài phạm vi bạn quản lý." in response.content.decode()
    assert "Võ Văn Bình" not in response.content.decode()
    assert response.context["unit"].pk == response.context["form"].fields["unit"].queryset.first().pk


def test_a_bad_page_number_gets_a_vietnamese_message(manager_client):
    response = manager_client.get(URL, {"page": "0"})
    assert "Số trang không hợp lệ." in response.content.decode()


def test_anonymised_and_inactive_members_are_not_listed(manager_client, staff_a, unit_a):
    gone = make_user(role=Role.STAFF, unit=unit_a, full_name="Người Sẽ Xóa")
    user_anonymise(user=gone)
    assert "Người dùng đã xóa" not in manager_client.get(URL).content.decode()
    assert "Phạm Thị An" in manager_client.get(URL).content.decode()


def test_long_lists_are_paged(organiser_client, unit_a, monkeypatch):
    monkeypatch.setattr("accounts.views.MEMBERS_PER_PAGE", 2)
    for i in range(3):
        make_user(role=Role.STAFF, unit=unit_a, full_name=f"Cán Bộ {i}")
    first = organiser_client.get(URL, {"unit": unit_a.pk})
    second = organiser_client.get(URL, {"unit": unit_a.pk, "page": 2})
    assert len(first.context["rows"]) == 2 and len(second.context["rows"]) == 1
    assert "Trang 1/2" in first.content.decode()


def test_htmx_gets_only_the_table(organiser_client, unit_b, staff_b):
    response = organiser_client.get(URL, {"unit": unit_b.pk}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="members"')
    assert "Võ Văn Bình" in page and "<html" not in page


def test_the_query_count_does_not_grow_with_members(organiser_client, unit_a, django_assert_num_queries):
    for i in range(5):
        make_user(role=Role.STAFF, unit=unit_a, full_name=f"Cán Bộ {i}")
    # session, user, the viewer's permissions (own + groups'), managed root, count, members, their groups,
    # the units offered by the filter; the organiser's unit and its commune (the page opens on it) and
    # the unit the filter holds
    with django_assert_num_queries(12):
        organiser_client.get(URL)
    for i in range(10):
        make_user(role=Role.RESIDENT, unit=unit_a, full_name=f"Người Dân {i}")
    with django_assert_num_queries(12):
        organiser_client.get(URL)


def test_the_query_count_for_a_unit_manager_is_pinned(manager_client, staff_a, team_a, django_assert_num_queries):
    with django_assert_num_queries(10):  # 9, and the unit the filter holds
        manager_client.get(URL)


def _name_length(sender, **kwargs) -> list[MemberColumn]:
    return [MemberColumn("name_length", "Độ dài tên", lambda member, viewer: len(member.full_name), numeric=True)]


def test_later_apps_add_columns(manager_client, staff_a):
    member_columns.connect(_name_length, dispatch_uid="test.name_length")
    try:
        page = manager_client.get(URL).content.decode()
    finally:
        member_columns.disconnect(dispatch_uid="test.name_length")
    assert "Độ dài tên" in page
    assert f'<td class="num">{len("Phạm Thị An")}</td>' in page


def _second_full_name(sender, **kwargs) -> list[MemberColumn]:
    return [MemberColumn("full_name", "Tên", lambda member, viewer: member.full_name)]


def test_a_column_name_is_given_once(manager_client):
    member_columns.connect(_second_full_name, dispatch_uid="test.second_full_name")
    try:
        with pytest.raises(ValueError, match="Two member columns are named 'full_name'"):
            manager_client.get(URL)
    finally:
        member_columns.disconnect(dispatch_uid="test.second_full_name")


def test_it_is_not_found_for_staff_and_residents(staff_a_client, resident_client):
    assert staff_a_client.get(URL).status_code == 404
    assert resident_client.get(URL).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_post(manager_client):
    assert manager_client.post(URL).status_code == 405
