"""The periodic report (.docx): layout per Nghị định 30/2020/NĐ-CP and figures equal to the
dashboard's for the same filters (hand-computed in tests/reports/scenario.py)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from reports.periodic import AUTHOR_PART, vn_percent
from reports.stats import Filters, dashboard
from tests.reports.scenario import END, PERIOD, START


def _open(content: bytes):
    return Document(io.BytesIO(content))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _table_rows(document, first_header: str) -> list[list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def report(organiser_client, scenario):
    response = organiser_client.get(reverse("reports:periodic_report"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "bao-cao-cchc-20250301-20250331.docx" in response["Content-Disposition"]
    return _open(response.content)


def test_it_has_the_decree_header_title_and_sections(report):
    header = report.tables[0].rows[0].cells
    assert header[0].text.split("\n") == ["UBND XÃ ĐÔNG TRÀ BỒNG", "PHÒNG VĂN HÓA - XÃ HỘI", "———", "Số: ……/BC-VHXH"]
    right = header[1].paragraphs
    assert right[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right[0].runs[0].bold
    assert right[1].text == "Độc lập - Tự do - Hạnh phúc" and right[1].runs[0].underline
    assert right[3].text.startswith("Đông Trà Bồng, ngày") and right[3].runs[0].italic
    texts = [p.text for p in report.paragraphs]
    assert "BÁO CÁO" in texts and "Kết quả công tác tuyên truyền cải cách hành chính" in texts
    assert "(Từ ngày 01/03/2025 đến ngày 31/03/2025)" in texts
    for heading in ("I. TÌNH HÌNH TRIỂN KHAI", "II. KẾT QUẢ", "III. ĐÁNH GIÁ", "IV. PHƯƠNG HƯỚNG, ĐỀ XUẤT"):
        assert heading in texts
    assert AUTHOR_PART in texts
    assert "Nơi nhận:" in _text(report)


def test_it_uses_times_new_roman_on_a4_with_the_decrees_margins(report):
    normal = report.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman" and fonts.get(qn("w:cs")) == "Times New Roman"
    section = report.sections[0]
    # Word stores lengths in twentieths of a point: within a millimetre of A4.
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)


def test_its_figures_are_the_hand_computed_ones(report):
    text = _text(report)
    assert "- Số lượt dự thi: 4 (cán bộ, công chức: 2; người dân: 2)." in text
    assert re.search(r"- Số bài làm đã nộp: 4 \(số liệu tính đến \d\d:\d\d ngày \d\d/\d\d/\d{4}\)\.", text)
    assert "- Điểm trung bình: 62,5%; điểm trung vị: 62,5%." in text
    assert "- Tỷ lệ tham gia so với số người: 3%." in text
    assert "- Tỷ lệ hoàn thành chuyên đề được giao: 33,3%." in text
    assert "- Số giấy chứng nhận đã cấp: 1." in text
    assert _table_rows(report, "Chuyên đề")[1] == ["M1 Cải cách hành chính", "3", "1", "33,3%", "1"]
    units = _table_rows(report, "Hạng")
    assert units[1] == ["1", "Phòng B", "5", "0%", "20%", "100%", "+20"]
    assert units[3] == ["3", "Thôn Một", "50", "–", "2%", "50%", "0"]
    assert units[-1][1:6] == ["Tổng: Xã Thử Nghiệm", "100", "33,3%", "3%", "62,5%"]
    assert "Các chủ đề có tỷ lệ trả lời đúng thấp nhất: “T2 Dịch vụ công” (50%); “T1 Nghị quyết 76” (75%)." in text
    assert "Thôn Một (2%)" in text  # under 50 % participation
    assert "+ Câu hỏi 4? (sai 3/4 lượt)." in text


def test_its_figures_equal_the_dashboards(report, commune):
    data = dashboard(Filters(unit=commune, date_from=START, date_to=END))
    text = _text(report)
    assert f"Điểm trung bình: {vn_percent(data.mean_score)}; điểm trung vị: {vn_percent(data.median_score)}" in text
    units = _table_rows(report, "Hạng")[1:-1]
    assert [(row[1], row[4], row[5]) for row in units] == [
        (r.unit.name + (" (trực thuộc)" if r.is_own_members else ""), vn_percent(r.participation_rate),
         vn_percent(r.mean_score)) for r in data.table.rows]
    rounds = _table_rows(report, "Vòng thi")[1:]
    assert [(row[1], row[2], row[4]) for row in rounds] == [
        (str(f.staff), str(f.residents), vn_percent(f.mean_score)) for f in data.rounds]


def test_a_unit_manager_gets_their_subtree_only(manager_client, scenario):
    document = _open(manager_client.get(reverse("reports:periodic_report"), PERIOD).content)
    text = _text(document)
    assert "Phạm vi: Phòng A." in text and "Phòng B" not in text and "- Số lượt dự thi: 1 " in text


def test_the_command_writes_the_same_report(scenario, commune, tmp_path):
    out = tmp_path / "bao-cao.docx"
    call_command("periodic_report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out))
    text = _text(_open(out.read_bytes()))
    assert "- Điểm trung bình: 62,5%; điểm trung vị: 62,5%." in text


def test_the_command_for_one_unit(scenario, unit_a, tmp_path):
    out = tmp_path / "a.docx"
    call_command("periodic_report", "--from", "2025-03-01", "--to", "2025-03-31", "--unit", str(unit_a.pk),
                 "--out", str(out))
    assert "Phạm vi: Phòng A." in _text(_open(out.read_bytes()))


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2025-13-01", "--to", "2025-03-31"], "Not a date"),
    (["--from", "2025-03-31", "--to", "2025-03-01"], "on or after"),
    (["--from", "2025-03-01", "--to", "2025-03-31", "--unit", "999999"], "No unit"),
])
def test_the_command_refuses_bad_arguments(scenario, tmp_path, args, message):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=message):
        call_command("periodic_report", *args, "--out", str(out))
    assert not out.exists()


def test_the_download_refuses_anonymous_people_outsiders_and_other_methods(client, staff_a_client, organiser_client):
    url = reverse("reports:periodic_report")
    assert client.get(url).status_code == 302
    assert staff_a_client.get(url).status_code == 404
    assert organiser_client.post(url).status_code == 405
