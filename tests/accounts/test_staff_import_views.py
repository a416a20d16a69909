"""The organiser's staff-import page and the template download."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry, User
from accounts.roles import Role
from tests.accounts.staff_sheets import XLSX_TYPE, make_sheet, upload

pytestmark = pytest.mark.django_db

URL = reverse("accounts:staff_import")
TEMPLATE_URL = reverse("accounts:staff_import_template")
INITIAL = "Khoi-tao-2025-xyz"


def post(client, content: bytes, *, name: str = "can-bo.xlsx", password: str = INITIAL, dry_run: bool = False):
    data = {"file": upload(content, name), "password": password}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(URL, data)


GOOD = [
    ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "Chuyên viên", ""],
    ["Trần Thị Hai", "0912345679", "", "Phòng B", "Trưởng phòng", "quản lý đơn vị"],
]


# --- The page ------------------------------------------------------------------------------------

def test_it_shows_the_form_and_the_template_link_to_an_organiser(organiser_client):
    response = organiser_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập tài khoản cán bộ" in page
    assert 'enctype="multipart/form-data"' in page
    assert TEMPLATE_URL in page
    assert "Mật khẩu ban đầu" in page


def test_it_creates_the_accounts_and_shows_a_summary_per_unit(organiser_client, organiser, unit_a, unit_b):
    before = User.objects.count()
    response = post(organiser_client, make_sheet(GOOD))
    assert response.status_code == 302
    assert response["Location"] == URL
    assert User.objects.count() == before + 2
    manager = User.objects.get(phone="0912345679")
    assert manager.unit == unit_b
    assert manager.must_change_password
    assert set(manager.groups.values_list("name", flat=True)) == {Role.STAFF, Role.UNIT_MANAGER}
    entry = AuditEntry.objects.get(action="staff.import")
    assert (entry.actor, entry.data["count"], entry.data["file"]) == (organiser, 2, "can-bo.xlsx")

    page = organiser_client.get(URL).content.decode()
    assert "Đã tạo 2 tài khoản." in page
    assert "Đã tạo 2 tài khoản từ tệp can-bo.xlsx" in page
    assert "Phòng A / Xã Thử Nghiệm" in page
    assert "Phòng B / Xã Thử Nghiệm" in page
    # The summary is shown once; a reload does not repeat it.
    assert "Đã tạo 2 tài khoản từ tệp" not in organiser_client.get(URL).content.decode()


def test_the_imported_people_must_change_the_initial_password_at_first_login(organiser_client, client, unit_a):
    post(organiser_client, make_sheet(GOOD[:1]))
    response = client.post(reverse("accounts:login"), {"username": "0912345678", "password": INITIAL})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")


def test_a_check_only_upload_previews_the_accounts_and_creates_nothing(organiser_client, unit_a, unit_b):
    before = User.objects.count()
    response = post(organiser_client, make_sheet(GOOD), dry_run=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sẽ tạo 2 tài khoản" in page
    assert "Trần Thị Hai" in page
    assert "Tệp hợp lệ. Chưa có tài khoản nào được tạo" in page
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


# --- Bad input -----------------------------------------------------------------------------------

def test_every_bad_row_is_listed_in_vietnamese_and_nothing_is_created(organiser_client, unit_a, staff_a):
    before = User.objects.count()
    response = post(organiser_client, make_sheet([
        ["Nguyễn Văn Một", "0123", "", "Phòng A", "", ""],
        ["", "0912345670", "", "Phòng A", "", ""],
        ["Lê Văn Ba", staff_a.phone, "", "Phòng Z", "", ""],
        ["Phạm Văn Bốn", "0912345670", "", "Phòng A", "", ""],
    ]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa tạo tài khoản nào: tệp có 5 lỗi." in page
    for message in (
        "Dòng 2: số điện thoại 0123 không đúng định dạng di động Việt Nam",
        "Dòng 3: thiếu họ và tên",
        "Dòng 4: không tìm thấy đơn vị “Phòng Z” trong Xã Thử Nghiệm",
        f"Dòng 4: số điện thoại {staff_a.phone} đã được dùng cho một tài khoản khác",
        "Dòng 5: số điện thoại 0912345670 trùng với dòng 3",
    ):
        assert message in page
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_wrong_header_is_explained(organiser_client, unit_a):
    before = User.objects.count()
    response = post(organiser_client, make_sheet([["Một", "0912345678"]], header=["Tên", "Điện thoại"]))
    page = response.content.decode()
    assert "Dòng tiêu đề (dòng 1) thiếu các cột: “Họ và tên”, “Số điện thoại”, “Email”, “Đơn vị”." in page
    assert "Dòng tiêu đề (dòng 1) có các cột không có trong tệp mẫu: “Tên”, “Điện thoại”." in page
    assert User.objects.count() == before


def test_a_20_mb_file_is_refused_with_a_clear_message(organiser_client, unit_a):
    before = User.objects.count()
    response = post(organiser_client, b"\0" * (20 * 1024 * 1024))
    assert response.status_code == 200
    assert "Tệp có dung lượng 20.0 MB, vượt quá mức cho phép 5 MB." in response.content.decode()
    assert User.objects.count() == before


def test_a_csv_file_is_refused_with_a_clear_message(organiser_client, unit_a):
    before = User.objects.count()
    response = post(organiser_client, "Họ và tên,Số điện thoại\nMột,0912345678\n".encode(), name="can-bo.csv")
    assert "Tệp “can-bo.csv” không phải là tệp Excel (.xlsx)." in response.content.decode()
    assert User.objects.count() == before


def test_a_weak_initial_password_is_refused_before_the_file_is_read(organiser_client, unit_a):
    before = User.objects.count()
    response = post(organiser_client, make_sheet(GOOD[:1]), password="12345678")
    assert response.status_code == 200
    assert "Mật khẩu này quá phổ biến." in response.content.decode()
    assert User.objects.count() == before


def test_a_post_without_a_file_re_renders_the_form(organiser_client, unit_a):
    before = User.objects.count()
    response = organiser_client.post(URL, {"password": INITIAL})
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()
    assert User.objects.count() == before


# --- Who may use it ------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["manager_client", "staff_a_client", "resident_client"])
@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_anyone_but_an_organiser_gets_404(request, persona, url, unit_a):
    client = request.getfixturevalue(persona)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["manager_client", "staff_a_client"])
def test_a_non_organiser_cannot_post_a_sheet(request, persona, unit_a):
    client = request.getfixturevalue(persona)
    before = User.objects.count()
    assert post(client, make_sheet(GOOD[:1])).status_code == 404
    assert User.objects.count() == before


@pytest.mark.parametrize("url", [URL, TEMPLATE_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_wrong_methods_are_refused(organiser_client):
    assert organiser_client.put(URL).status_code == 405
    assert organiser_client.delete(URL).status_code == 405
    assert organiser_client.post(TEMPLATE_URL).status_code == 405


# --- Template download ---------------------------------------------------------------------------

def test_the_template_downloads_as_xlsx_with_the_units_of_the_organisers_tree(organiser_client, unit_a, unit_b):
    response = organiser_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Cán bộ", "Hướng dẫn"]
    guide_text = [c for row in wb["Hướng dẫn"].iter_rows(values_only=True) for c in row if c]
    assert "Phòng A" in guide_text
    assert "Phòng B" in guide_text
    assert "Bắt buộc. Họ và tên đầy đủ, có dấu." in guide_text
