"""What training adds to the accounts pages: a "modules completed" column in the unit manager's
member list, and a training section in the "My data" download."""

from django.urls import reverse

from accounts.personal_data import personal_data_export
from tests.training.factories import read_all, take_quiz


def test_the_member_list_counts_completed_modules(manager_client, staff_a, module, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = manager_client.get(reverse("accounts:unit_members"))
    rows = {row.member.full_name: {column.key: value for column, value in row.cells}
            for row in response.context["rows"]}
    assert rows["Phạm Thị An"]["modules_done"] == 1 and rows["Lê Văn Quản Lý"]["modules_done"] == 0
    assert "Học phần đã hoàn thành" in response.content.decode()


def test_my_data_includes_lessons_completions_and_certificates(staff_a, module, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    data = personal_data_export(user=staff_a)["training"]
    assert len(data["lessons_read"]) == 3
    assert data["modules_completed"][0]["module"] == "Nghị quyết 76/NQ-CP"
    assert data["certificates"][0]["holder"] == "Phạm Thị An"
