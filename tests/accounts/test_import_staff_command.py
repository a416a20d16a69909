"""`manage.py import_staff FILE --password P [--unit-root ID] [--dry-run]`."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry, User
from accounts.roles import Role
from tests.accounts.staff_sheets import make_sheet

pytestmark = pytest.mark.django_db

INITIAL = "Khoi-tao-2025-xyz"


@pytest.fixture
def sheet(tmp_path):
    def write(rows, name: str = "can-bo.xlsx"):
        path = tmp_path / name
        path.write_bytes(make_sheet(rows))
        return path
    return write


def test_it_creates_the_accounts_and_prints_a_summary(sheet, commune, unit_a, capsys):
    path = sheet([
        ["Nguyễn Văn Một", "0912345678", "", "Phòng A", "Chuyên viên", ""],
        ["Trần Thị Hai", "", "hai@example.vn", "Phòng A", "", "quản lý đơn vị"],
    ])
    call_command("import_staff", str(path), "--password", INITIAL)
    out = capsys.readouterr().out
    assert "Phòng A / Xã Thử Nghiệm: 2" in out
    assert "Đã tạo 2 tài khoản." in out
    manager = User.objects.get(email="hai@example.vn")
    assert manager.must_change_password
    assert set(manager.groups.values_list("name", flat=True)) == {Role.STAFF, Role.UNIT_MANAGER}
    entry = AuditEntry.objects.get(action="staff.import")
    assert (entry.actor, entry.data["count"], entry.data["file"]) == (None, 2, "can-bo.xlsx")


def test_it_prints_every_error_exits_non_zero_and_creates_nothing(sheet, commune, unit_a, capsys):
    path = sheet([
        ["Nguyễn Văn Một", "0123", "", "Phòng A", "", ""],
        ["Trần Thị Hai", "0912345679", "", "Phòng Không Có", "", ""],
    ])
    before = User.objects.count()
    with pytest.raises(CommandError, match="Tệp can-bo.xlsx có 2 lỗi; không tài khoản nào được tạo."):
        call_command("import_staff", str(path), "--password", INITIAL)
    err = capsys.readouterr().err
    assert "Dòng 2: số điện thoại 0123 không đúng định dạng di động Việt Nam" in err
    assert "Dòng 3: không tìm thấy đơn vị “Phòng Không Có” trong Xã Thử Nghiệm" in err
    assert User.objects.count() == before


def test_the_exit_status_is_non_zero_on_errors_and_zero_on_success(sheet, commune, unit_a):
    bad = sheet([["", "0912345678", "", "Phòng A", "", ""]], name="sai.xlsx")
    good = sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""]], name="dung.xlsx")
    # manage.py turns a CommandError into its returncode as the exit status. (Running it through
    # ManagementUtility here would close the test's database connection on the way out.)
    with pytest.raises(CommandError) as error:
        call_command("import_staff", str(bad), "--password", INITIAL)
    assert error.value.returncode == 1
    assert not User.objects.filter(phone="0912345678").exists()
    call_command("import_staff", str(good), "--password", INITIAL)
    assert User.objects.filter(phone="0912345678").exists()


def test_a_dry_run_lists_the_accounts_and_creates_nothing(sheet, commune, unit_a, capsys):
    path = sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""]])
    before = User.objects.count()
    call_command("import_staff", str(path), "--password", INITIAL, "--dry-run")
    out = capsys.readouterr().out
    assert "2: Nguyễn Văn Một | 0912345678 |  | Phòng A |  | staff" in out
    assert "Chỉ kiểm tra: sẽ tạo 1 tài khoản." in out
    assert User.objects.count() == before


def test_unit_root_limits_the_units_to_a_subtree(sheet, commune, unit_a, unit_b):
    path = sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng B", "", ""]])
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--password", INITIAL, "--unit-root", str(unit_a.pk))
    call_command("import_staff", str(path), "--password", INITIAL, "--unit-root", str(commune.pk))
    assert User.objects.get(phone="0912345678").unit == unit_b


def test_a_weak_password_an_unknown_root_or_a_missing_file_is_refused(sheet, commune, unit_a, tmp_path):
    path = sheet([["Nguyễn Văn Một", "0912345678", "", "Phòng A", "", ""]])
    with pytest.raises(CommandError, match="Mật khẩu không được chấp nhận"):
        call_command("import_staff", str(path), "--password", "12345678")
    with pytest.raises(CommandError, match="Không có đơn vị nào có mã số 999999."):
        call_command("import_staff", str(path), "--password", INITIAL, "--unit-root", "999999")
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_staff", str(tmp_path / "khong-co.xlsx"), "--password", INITIAL)
    assert not User.objects.filter(phone="0912345678").exists()
