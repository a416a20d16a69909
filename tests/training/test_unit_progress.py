"""The unit manager's view of training: each member of their subtree covered by an assignment,
with their progress; who has not finished; the same list as .xlsx. Nobody else's units."""

from datetime import date, timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import UnitKind
from accounts.roles import Role
from tests.factories import make_unit, make_user
from tests.training.factories import assign, make_module, read_all, take_quiz
from training.services import lesson_mark_read

URL = reverse("training:unit_progress")
XLSX = reverse("training:unit_progress_xlsx")


def test_a_manager_sees_each_member_of_the_unit_with_their_progress(manager_client, staff_a, staff_b, module,
                                                                    lessons, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = manager_client.get(URL)
    assert response.status_code == 200
    rows = {row.member.full_name: row for row in response.context["rows"]}
    assert set(rows) == {"Phạm Thị An", "Lê Văn Quản Lý"}  # staff_b of unit B is not theirs
    assert rows["Phạm Thị An"].is_done and rows["Phạm Thị An"].status == "Đã hoàn thành"
    assert rows["Lê Văn Quản Lý"].status == "Chưa bắt đầu"
    html = response.content.decode()
    assert "Võ Văn Bình" not in html and "3/3" in html


def test_only_the_unfinished_can_be_listed(manager_client, staff_a, module, lessons, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = manager_client.get(URL, {"module": module.pk, "pending": "on"})
    assert [row.member.full_name for row in response.context["rows"]] == ["Lê Văn Quản Lý"]


def test_overdue_members_are_marked(manager_client, staff_a, module, lessons, unit_a):
    assign(module, unit_a, due=timezone.localdate() - timedelta(days=2))
    lesson_mark_read(user=staff_a, lesson=lessons[0])
    rows = {row.member.full_name: row for row in manager_client.get(URL).context["rows"]}
    assert rows["Phạm Thị An"].status == "Quá hạn"


def test_another_units_list_is_refused_with_a_message(manager_client, unit_b, module, assignment):
    response = manager_client.get(URL, {"unit": unit_b.pk})
    assert response.status_code == 400
    assert "Đơn vị này không thuộc phạm vi bạn quản lý." in response.content.decode()
    assert response.context["rows"] == []
    assert manager_client.get(XLSX, {"unit": unit_b.pk}).status_code == 400


def test_a_module_not_assigned_to_the_managers_units_is_refused(manager_client, unit_b, assignment):
    foreign = make_module()
    assign(foreign, unit_b)
    response = manager_client.get(URL, {"module": foreign.pk})
    assert response.status_code == 400
    assert "Học phần này không được giao cho các đơn vị của bạn." in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(manager_client, unit_a, module, lessons, assignment,
                                                  django_assert_num_queries):
    team = make_unit("Tổ Một", kind=UnitKind.DEPARTMENT, parent=unit_a)
    for n in range(6):
        member = make_user(role=Role.STAFF, unit=team if n % 2 else unit_a, full_name=f"Thành viên {n}")
        lesson_mark_read(user=member, lesson=lessons[0])
    with django_assert_num_queries(12):  # 11, and the unit the filter holds
        response = manager_client.get(URL)
    assert len(response.context["rows"]) == 7  # the manager and the six members


def test_htmx_gets_only_the_table(manager_client, assignment):
    response = manager_client.get(URL, headers={"HX-Request": "true"})
    assert response.content.decode().startswith('<section id="progress-table"')


def test_the_xlsx_has_vietnamese_headers_a_frozen_row_widths_and_dates(manager_client, staff_a, module, lessons,
                                                                       assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = manager_client.get(XLSX, {"module": module.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="tien-do-{module.slug}-')
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["Họ và tên", "Đơn vị", "Chức vụ", "Số bài đã học", "Số bài của học phần",
                       "Đạt bài kiểm tra", "Trạng thái", "Hạn hoàn thành", "Ngày hoàn thành"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Lê Văn Quản Lý")
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    done = rows["Phạm Thị An"]
    assert done[3].value == 3 and done[5].value == "Có" and done[6].value == "Đã hoàn thành"
    assert isinstance(done[7].value, date) and done[7].number_format == "dd/mm/yyyy"
    assert done[8].number_format == "dd/mm/yyyy hh:mm"
    assert rows["Lê Văn Quản Lý"][6].value == "Chưa bắt đầu"


def test_staff_and_residents_have_no_such_page(staff_a_client, resident_client, assignment):
    for client in (staff_a_client, resident_client):
        assert client.get(URL).status_code == 404
        assert client.get(XLSX).status_code == 404


def test_an_organiser_sees_every_unit(organiser_client, staff_a, staff_b, module, unit_b, assignment):
    assign(module, unit_b)
    names = {row.member.full_name for row in organiser_client.get(URL).context["rows"]}
    assert {"Phạm Thị An", "Võ Văn Bình"} <= names


def test_anonymous_and_wrong_method(client, manager_client, assignment):
    assert client.get(URL).status_code == 302
    assert manager_client.post(URL).status_code == 405
    assert manager_client.post(XLSX).status_code == 405
