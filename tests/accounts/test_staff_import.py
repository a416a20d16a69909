"""The staff-import service: every row is checked, every bad row reported, and nothing is created
unless the whole sheet is right."""

import io
import zipfile

import pytest
from django.contrib.auth.hashers import check_password
from openpyxl import load_workbook

from accounts import staff_import as service
from accounts import staff_sheet
from accounts.models import AuditEntry, UnitKind, User
from accounts.roles import Role
from accounts.staff_import import staff_import
from accounts.staff_sheet import GUIDE_SHEET
from accounts.staff_template import staff_template_build
from tests.accounts.staff_sheets import make_sheet
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

INITIAL = "Khoi-tao-2025-xyz"


def run(content: bytes, root, actor=None, name: str = "can-bo.xlsx", dry_run: bool = False):
    return staff_import(file=io.BytesIO(content), file_name=name, root=root, password=INITIAL,
                        actor=actor, dry_run=dry_run)


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


@pytest.fixture
def ambiguous(unit_a, unit_b):
    """Two units named “Tổ Một Cửa”, one under each department; the second has a code."""
    first = make_unit("Tổ Một Cửa", kind=UnitKind.DEPARTMENT, parent=unit_a)
    second = make_unit("Tổ Một Cửa", kind=UnitKind.DEPARTMENT, parent=unit_b)
    second.code = "TMC-B"
    second.save()
    return first, second


# --- The happy path ------------------------------------------------------------------------------

def test_it_creates_every_account_with_its_unit_role_and_a_password_to_change(commune, unit_a, unit_b, organiser):
    before = User.objects.count()
    content = make_sheet([
        ["Nguyễn Văn Một", "0912 345 678", "", "Phòng A", "Chuyên viên", "cán bộ"],
        ["Trần Thị Hai", "", "Hai.Tran@Example.vn", "  phòng   b ", "", ""],
        ["Lê Văn Ba", "+84 987 654 321", "ba@example.vn", "Phòng A", "Trưởng phòng", "Quản lý đơn vị"],
    ])
    result = run(content, commune, actor=organiser)

    assert result.ok, messages(result)
    assert result.created == 3
    assert User.objects.count() == before + 3
    one = User.objects.get(phone="0912345678")
    assert (one.full_name, one.unit, one.position, one.email) == ("Nguyễn Văn Một", unit_a, "Chuyên viên", None)
    assert one.must_change_password
    assert check_password(INITIAL, one.password)
    assert set(one.groups.values_list("name", flat=True)) == {Role.STAFF}
    two = User.objects.get(email="hai.tran@example.vn")
    assert (two.phone, two.unit) == (None, unit_b)
    assert set(two.groups.values_list("name", flat=True)) == {Role.STAFF}
    three = User.objects.get(phone="0987654321")
    assert set(three.groups.values_list("name", flat=True)) == {Role.STAFF, Role.UNIT_MANAGER}
    assert result.per_unit() == [("Phòng A / Xã Thử Nghiệm", 2), ("Phòng B / Xã Thử Nghiệm", 1)]


def test_it_writes_one_audit_entry_with_the_count_and_the_file_name(commune, unit_a, organiser):
    run(make_sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""]]), commune, actor=organiser,
        name="phong-a.xlsx")
    entry = AuditEntry.objects.get(action="staff.import")
    assert entry.actor == organiser
    assert entry.data["count"] == 1
    assert entry.data["file"] == "phong-a.xlsx"
    assert entry.data["units"] == {"Phòng A / Xã Thử Nghiệm": 1}


def test_it_skips_fully_empty_rows_silently_and_keeps_excel_row_numbers(commune, unit_a):
    content = make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        [None, None, None, None, None, None],
        ["", "  ", "", "", "", ""],
        ["Trần Văn Bốn", "0912", "", "Phòng A", "", ""],
    ])
    result = run(content, commune)
    assert messages(result) == ["Dòng 5: số điện thoại 0912 không đúng định dạng di động Việt Nam"]


def test_it_accepts_a_phone_that_excel_turned_into_a_number(commune, unit_a):
    result = run(make_sheet([["Nguyễn Văn Một", 912345678, "", "Phòng A", "", ""]]), commune)
    assert result.ok, messages(result)
    assert User.objects.filter(phone="0912345678").exists()


def test_it_accepts_a_sheet_without_the_optional_columns_in_any_order(commune, unit_a):
    content = make_sheet([["Phòng A", "0912345678", "Nguyễn Văn Một", ""]],
                         header=["Đơn vị", "số điện thoại", "HỌ VÀ TÊN", "Email"])
    result = run(content, commune)
    assert result.ok, messages(result)
    assert User.objects.get(phone="0912345678").full_name == "Nguyễn Văn Một"


def test_a_dry_run_lists_the_accounts_and_creates_nothing(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""]]), commune, dry_run=True)
    assert result.ok
    assert [(r.row, r.full_name, r.phone, r.unit) for r in result.rows] == [(2, "Nguyễn Văn Một", "0912345678", unit_a)]
    assert result.created == 0
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


# --- Units ---------------------------------------------------------------------------------------

def test_a_name_shared_by_two_units_is_reported_as_ambiguous(commune, ambiguous):
    before = User.objects.count()
    result = run(make_sheet([["Nguyễn Văn Một", "0912345678", "", "Tổ Một Cửa", "", ""]]), commune)
    assert messages(result) == [
        "Dòng 2: có nhiều đơn vị cùng tên “Tổ Một Cửa” (Tổ Một Cửa / Phòng A; Tổ Một Cửa / Phòng B); "
        "hãy ghi “Tên đơn vị / Tên đơn vị cha” hoặc mã đơn vị"
    ]
    assert User.objects.count() == before


def test_the_parent_name_or_the_code_picks_one_of_two_units_with_the_same_name(commune, ambiguous):
    first, second = ambiguous
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "tổ một cửa / phòng a", "", ""],
        ["Trần Văn Hai", "0912345679", "", "TMC-B", "", ""],
        ["Lê Văn Ba", "0912345670", "", "Tổ Một Cửa/Phòng B/Xã Thử Nghiệm", "", ""],
    ]), commune)
    assert result.ok, messages(result)
    assert User.objects.get(phone="0912345678").unit == first
    assert User.objects.get(phone="0912345679").unit == second
    assert User.objects.get(phone="0912345670").unit == second


def test_an_unknown_unit_is_reported_with_its_row(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        ["Trần Văn Hai", "0912345679", "", "Phòng Không Có", "", ""],
    ]), commune)
    assert messages(result) == ["Dòng 3: không tìm thấy đơn vị “Phòng Không Có” trong Xã Thử Nghiệm"]
    assert User.objects.count() == before


def test_a_unit_outside_the_organisers_subtree_is_unknown(commune, unit_a):
    other_commune = make_unit("Xã Bên Cạnh")
    make_unit("Phòng C", kind=UnitKind.DEPARTMENT, parent=other_commune)
    result = run(make_sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng C", "", ""]]), commune)
    assert messages(result) == ["Dòng 2: không tìm thấy đơn vị “Phòng C” trong Xã Thử Nghiệm"]


# --- Bad rows ------------------------------------------------------------------------------------

def test_a_malformed_phone_is_reported(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([["Nguyễn Văn Một", "0123", "", "Phòng A", "", ""]]), commune)
    assert messages(result) == ["Dòng 2: số điện thoại 0123 không đúng định dạng di động Việt Nam"]
    assert User.objects.count() == before


def test_a_missing_name_is_reported(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([["", "0912345678", "", "Phòng A", "", ""]]), commune)
    assert messages(result) == ["Dòng 2: thiếu họ và tên"]
    assert User.objects.count() == before


def test_a_row_without_phone_or_email_is_reported(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([["Nguyễn Văn Một", "", "", "Phòng A", "", ""]]), commune)
    assert messages(result) == ["Dòng 2: phải có số điện thoại hoặc email"]
    assert User.objects.count() == before


def test_a_duplicate_phone_in_the_sheet_names_both_rows(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        ["Trần Văn Hai", "0912345679", "", "Phòng A", "", ""],
        ["Lê Văn Ba", "0912.345.678", "", "Phòng A", "", ""],
    ]), commune)
    assert messages(result) == ["Dòng 4: số điện thoại 0912345678 trùng với dòng 2"]
    assert User.objects.count() == before


def test_a_duplicate_email_in_the_sheet_names_both_rows(commune, unit_a):
    result = run(make_sheet([
        ["Nguyễn Văn Một", "", "mot@example.vn", "Phòng A", "", ""],
        ["Trần Văn Hai", "", "MOT@example.vn", "Phòng A", "", ""],
    ]), commune)
    assert messages(result) == ["Dòng 3: email mot@example.vn trùng với dòng 2"]


def test_a_phone_or_email_of_an_existing_account_is_reported(commune, unit_a):
    make_user(unit=unit_a, phone="0912345678")
    make_user(unit=unit_a, email="da.co@example.vn")
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        ["Trần Văn Hai", "", "Da.Co@example.vn", "Phòng A", "", ""],
    ]), commune)
    assert messages(result) == [
        "Dòng 2: số điện thoại 0912345678 đã được dùng cho một tài khoản khác",
        "Dòng 3: email da.co@example.vn đã được dùng cho một tài khoản khác",
    ]
    assert User.objects.count() == before


def test_a_number_or_email_in_full_width_characters_is_the_existing_account(commune, unit_a):
    make_user(unit=unit_a, phone="0912345678")
    make_user(unit=unit_a, email="da.co@example.vn")
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "０９１２ ３４５ ６７８", "", "Phòng A", "", ""],
        ["Trần Văn Hai", "", "ＤＡ.ＣＯ＠example.vn", "Phòng A", "", ""],
    ]), commune)
    assert messages(result) == [
        "Dòng 2: số điện thoại 0912345678 đã được dùng cho một tài khoản khác",
        "Dòng 3: email da.co@example.vn đã được dùng cho một tài khoản khác",
    ]
    assert User.objects.count() == before


def test_a_bad_email_and_an_unknown_role_are_reported(commune, unit_a):
    result = run(make_sheet([
        ["Nguyễn Văn Một", "", "khong-phai-email", "Phòng A", "", ""],
        ["Trần Văn Hai", "0912345679", "", "Phòng A", "", "giám đốc"],
    ]), commune)
    assert messages(result) == [
        "Dòng 2: email khong-phai-email không đúng định dạng",
        "Dòng 3: vai trò “giám đốc” không hợp lệ; hãy ghi “cán bộ” hoặc “quản lý đơn vị”",
    ]


def test_a_name_longer_than_the_field_is_reported(commune, unit_a):
    result = run(make_sheet([["A" * 151, "0912345678", "", "Phòng A", "", ""]]), commune)
    assert messages(result) == ["Dòng 2: họ và tên dài quá 150 ký tự"]


def test_every_bad_row_is_reported_and_none_of_the_good_ones_is_created(commune, unit_a):
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        ["", "0123", "", "Phòng X", "", ""],
        ["Lê Văn Ba", "0912345670", "", "Phòng A", "", ""],
        ["Phạm Văn Bốn", "", "", "", "", ""],
    ]), commune)
    assert messages(result) == [
        "Dòng 3: thiếu họ và tên",
        "Dòng 3: số điện thoại 0123 không đúng định dạng di động Việt Nam",
        "Dòng 3: không tìm thấy đơn vị “Phòng X” trong Xã Thử Nghiệm",
        "Dòng 5: phải có số điện thoại hoặc email",
        "Dòng 5: thiếu đơn vị",
    ]
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


# --- Bad files -----------------------------------------------------------------------------------

def test_a_wrong_header_says_which_columns_are_missing_and_which_are_unexpected(commune, unit_a):
    before = User.objects.count()
    content = make_sheet([["Nguyễn Văn Một", "0912345678", "Phòng A"]], header=["Tên", "Số điện thoại", "Đơn vị"])
    result = run(content, commune)
    assert messages(result) == [
        "Dòng tiêu đề (dòng 1) thiếu các cột: “Họ và tên”, “Email”.",
        "Dòng tiêu đề (dòng 1) có các cột không có trong tệp mẫu: “Tên”. Các cột đúng là: “Họ và tên”, "
        "“Số điện thoại”, “Email”, “Đơn vị”, “Chức vụ”, “Vai trò”.",
    ]
    assert User.objects.count() == before


def test_a_sheet_with_only_the_header_is_an_error(commune, unit_a):
    result = run(make_sheet([[None] * 6, ["", "", "", "", "", ""]]), commune)
    assert messages(result) == ["Trang tính không có người nào để nhập: mọi dòng dưới dòng tiêu đề đều trống."]


def test_a_sheet_with_too_many_people_is_refused(commune, unit_a, monkeypatch):
    monkeypatch.setattr(staff_sheet, "MAX_ROWS", 2)
    before = User.objects.count()
    result = run(make_sheet([["Người Thứ", f"091234567{i}", "", "Phòng A", "", ""] for i in range(3)]), commune)
    assert messages(result) == ["Trang tính có hơn 2 người; hãy chia thành nhiều tệp."]
    assert User.objects.count() == before


def test_a_file_over_the_upload_limit_is_refused_before_parsing(commune, unit_a, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the parser must not open a file that is too big")

    monkeypatch.setattr(staff_sheet, "load_workbook", fail)
    before = User.objects.count()
    result = run(b"\0" * (20 * 1024 * 1024), commune)
    assert messages(result) == [
        "Tệp có dung lượng 20.0 MB, vượt quá mức cho phép 5 MB. Hãy chia danh sách thành nhiều tệp."
    ]
    assert User.objects.count() == before


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [
    ("can-bo.csv", "Họ và tên,Số điện thoại\nNguyễn Văn Một,0912345678\n".encode()),
    ("can-bo.xlsx", b"just some text renamed to .xlsx"),
    ("can-bo.xlsx", b"PK\x03\x04 a zip that was cut short"),
    ("can-bo.xlsx", _zip_without_workbook()),
    ("can-bo.xlsx", b""),
])
def test_a_file_that_is_not_xlsx_is_refused(commune, unit_a, name, content):
    before = User.objects.count()
    result = run(content, commune, name=name)
    assert messages(result) == [
        f"Tệp “{name}” không phải là tệp Excel (.xlsx). Hãy tải tệp mẫu, điền thông tin và tải lên mà không "
        "đổi định dạng tệp."
    ]
    assert User.objects.count() == before


def test_an_old_xls_file_is_told_to_be_saved_as_xlsx(commune, unit_a):
    result = run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, commune, name="can-bo.xls")
    assert messages(result) == [
        "Tệp “can-bo.xls” có định dạng Excel cũ (.xls). Hãy mở tệp bằng Excel và lưu lại dưới dạng "
        "“Excel Workbook (.xlsx)”."
    ]


# --- Template ------------------------------------------------------------------------------------

def test_the_template_has_the_headers_a_frozen_row_and_a_guide_listing_the_units(commune, ambiguous):
    wb = load_workbook(io.BytesIO(staff_template_build(root=commune)))
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Họ và tên", "Số điện thoại", "Email", "Đơn vị", "Chức vụ", "Vai trò"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20
    guide = wb[GUIDE_SHEET]
    written = [row[1] for row in guide.iter_rows(values_only=True)]
    assert "Phòng A" in written
    assert "Tổ Một Cửa / Phòng A" in written
    assert "Tổ Một Cửa / Phòng B" in written


def test_the_untouched_template_imports_nothing_and_a_filled_one_imports(commune, unit_a):
    template = staff_template_build(root=commune)
    assert messages(run(template, commune)) == [
        "Trang tính không có người nào để nhập: mọi dòng dưới dòng tiêu đề đều trống."
    ]
    wb = load_workbook(io.BytesIO(template))
    wb.worksheets[0].append(["Nguyễn Văn Một", "0912345678", "", "Phòng A", "Chuyên viên", "cán bộ"])
    filled = io.BytesIO()
    wb.save(filled)
    result = run(filled.getvalue(), commune)
    assert result.ok, messages(result)
    assert User.objects.get(phone="0912345678").unit == unit_a


def test_an_account_registered_between_the_check_and_the_insert_rolls_everything_back(commune, unit_a, monkeypatch):
    make_user(unit=unit_a, phone="0912345670")
    # The race: the check saw no clash, but by the time of the insert the phone is taken.
    monkeypatch.setattr(service, "_existing", lambda column, values: set())
    monkeypatch.setattr(service, "_BATCH", 1)
    before = User.objects.count()
    result = run(make_sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""],
        ["Lê Văn Ba", "0912345670", "", "Phòng A", "", ""],
    ]), commune)
    assert messages(result) == [
        "Một số số điện thoại hoặc email trong tệp vừa được đăng ký trong lúc đang nhập. Chưa có tài khoản nào "
        "được tạo; hãy nhập lại tệp để xem những dòng nào bị trùng."
    ]
    assert result.created == 0
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()
