"""The periodic report "Báo cáo kết quả công tác tuyên truyền cải cách hành chính" as .docx, in the
layout of Nghị định 30/2020/NĐ-CP (issuing body and national motto header, number left for the
clerk, place and date, title, numbered sections, Nơi nhận), filled with the dashboard's figures
(reports.stats.dashboard, same filters: the same numbers).

The text is Vietnamese whatever the interface language: it is an official document of a
Vietnamese authority, filed as it is, so it is not run through the translation catalogue.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable

from reports.stats import Dashboard, UnitFigures

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
ISSUER = "UBND XÃ ĐÔNG TRÀ BỒNG"
OFFICE = "PHÒNG VĂN HÓA - XÃ HỘI"
NUMBER = "Số: ……/BC-VHXH"
PLACE_DATE = "Đông Trà Bồng, ngày …… tháng …… năm ……"
TITLE = "Kết quả công tác tuyên truyền cải cách hành chính"
AUTHOR_PART = "[Phần này do người soạn báo cáo viết]"
# Units whose participation is under this share are named among the weak points.
LOW_PARTICIPATION = Decimal(50)


def vn_number(value: Decimal | float | int | None) -> str:
    """Vietnamese writing of a figure: decimal comma, thousands with dots ("1.234,5")."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = f"{Decimal(value):,.1f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def vn_percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{vn_number(value)}%"


def vn_change(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + vn_number(value)


def _set_font(style, size: int) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    # Word picks the East Asian and complex-script fonts from their own attributes: set them all,
    # or Vietnamese text may fall back to another font.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _paragraph(doc_or_cell, text: str = "", *, bold: bool = False, italic: bool = False, underline: bool = False,
               size: int | None = None, align=None, indent: bool = False, space_after: int = 6):
    paragraph = doc_or_cell.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Mm(10)
    return paragraph


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False,
               size: int = 13, first: bool = False) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)


def _header(document) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    _cell_text(left, ISSUER, size=13, first=True)
    _cell_text(left, OFFICE, bold=True, size=13)
    _cell_text(left, "———", size=13)
    _cell_text(left, NUMBER, size=13)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, first=True)
    _cell_text(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=14)
    _cell_text(right, "", size=13)
    _cell_text(right, PLACE_DATE, italic=True, size=14)


def _data_table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, size=TABLE_PT, first=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, value, size=TABLE_PT, first=True)
    _paragraph(document, space_after=6)


def _unit_name(row: UnitFigures) -> str:
    return f"{row.unit.name} (trực thuộc)" if row.is_own_members else row.unit.name


def periodic_report_docx(data: Dashboard) -> bytes:
    filters = data.filters
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    # Inside the decree's ranges even after Word rounds lengths to twentieths of a point.
    section.left_margin, section.right_margin = Mm(30), Mm(17)
    _set_font(document.styles["Normal"], BODY_PT)
    _set_font(document.styles["Table Grid"], TABLE_PT)
    _header(document)

    _paragraph(document, space_after=0)
    _paragraph(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(document, TITLE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    period = f"Từ ngày {filters.date_from:%d/%m/%Y} đến ngày {filters.date_to:%d/%m/%Y}"
    _paragraph(document, f"({period})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(document, f"Phạm vi: {filters.unit.name}.", indent=True)

    _section_i(document, data)
    _section_ii(document, data)
    _section_iii(document, data)
    _paragraph(document, "IV. PHƯƠNG HƯỚNG, ĐỀ XUẤT", bold=True)
    _paragraph(document, AUTHOR_PART, italic=True, indent=True)
    _paragraph(document, "Trên đây là báo cáo kết quả công tác tuyên truyền cải cách hành chính "
                         f"{period.lower()} của Phòng Văn hóa - Xã hội./.", indent=True)
    _footer(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _section_i(document, data: Dashboard) -> None:
    _paragraph(document, "I. TÌNH HÌNH TRIỂN KHAI", bold=True)
    _paragraph(document, "1. Bồi dưỡng cán bộ, công chức, viên chức", bold=True, italic=True)
    if data.modules:
        for figures in data.modules:
            _paragraph(document, f"- Chuyên đề “{figures.module.title}”: giao cho "
                                 f"{vn_number(figures.assigned)} lượt cán bộ, công chức.", indent=True)
    else:
        _paragraph(document, "- Trong kỳ không có chuyên đề bồi dưỡng nào được giao.", indent=True)
    _paragraph(document, "2. Cuộc thi trực tuyến", bold=True, italic=True)
    if data.rounds:
        for figures in data.rounds:
            round_ = figures.round
            _paragraph(document, f"- {figures.label}: từ {round_.opens_at:%d/%m/%Y} "
                                 f"đến {round_.closes_at:%d/%m/%Y}.", indent=True)
    else:
        _paragraph(document, "- Trong kỳ không có vòng thi nào.", indent=True)


def _as_of(data: Dashboard) -> str:
    # The attempts are counted every few minutes (reports.tallies): the report says when.
    if data.counted_at is None:
        return " (chưa được tổng hợp)"
    moment = timezone.localtime(data.counted_at)
    return f" (số liệu tính đến {moment:%H:%M} ngày {moment:%d/%m/%Y})"


def _section_ii(document, data: Dashboard) -> None:
    total = data.table.total
    _paragraph(document, "II. KẾT QUẢ", bold=True)
    _paragraph(document, "1. Số liệu chung", bold=True, italic=True)
    lines = [
        f"- Số lượt dự thi: {vn_number(data.entries)} (cán bộ, công chức: {vn_number(data.staff_taking_part)}; "
        f"người dân: {vn_number(data.residents_taking_part)}).",
        f"- Số bài làm đã nộp: {vn_number(data.attempts)}{_as_of(data)}.",
        f"- Điểm trung bình: {vn_percent(data.mean_score)}; điểm trung vị: {vn_percent(data.median_score)}.",
        f"- Tỷ lệ tham gia so với số người: {vn_percent(total.participation_rate)}.",
        f"- Tỷ lệ hoàn thành chuyên đề được giao: {vn_percent(total.completion_rate)}.",
        f"- Số giấy chứng nhận đã cấp: {vn_number(data.certificates)}.",
    ]
    for line in lines:
        _paragraph(document, line, indent=True)
    if data.modules:
        _paragraph(document, "2. Kết quả bồi dưỡng theo chuyên đề", bold=True, italic=True)
        _data_table(document, ["Chuyên đề", "Số được giao", "Đã hoàn thành", "Tỷ lệ", "Giấy chứng nhận"], [
            [m.module.title, vn_number(m.assigned), vn_number(m.completed), vn_percent(m.completion_rate),
             vn_number(m.certificates)] for m in data.modules
        ])
    if data.rounds:
        _paragraph(document, "3. Kết quả các vòng thi", bold=True, italic=True)
        _data_table(document, ["Vòng thi", "Cán bộ", "Người dân", "Tỷ lệ tham gia", "Điểm TB"], [
            [f.label, vn_number(f.staff), vn_number(f.residents), vn_percent(f.participation_rate),
             vn_percent(f.mean_score)] for f in data.rounds
        ])
    _paragraph(document, "4. Kết quả theo đơn vị", bold=True, italic=True)
    rows = [[str(r.rank), _unit_name(r), vn_number(r.headcount), vn_percent(r.completion_rate),
             vn_percent(r.participation_rate), vn_percent(r.mean_score), vn_change(r.participation_change)]
            for r in data.table.rows]
    rows.append(["", f"Tổng: {total.unit.name}", vn_number(total.headcount), vn_percent(total.completion_rate),
                 vn_percent(total.participation_rate), vn_percent(total.mean_score),
                 vn_change(total.participation_change)])
    _data_table(document, ["Hạng", "Đơn vị", "Số người", "Hoàn thành bồi dưỡng", "Tham gia thi", "Điểm TB",
                           "Thay đổi tham gia (điểm %)"], rows)


def _section_iii(document, data: Dashboard) -> None:
    _paragraph(document, "III. ĐÁNH GIÁ", bold=True)
    _paragraph(document, "1. Ưu điểm", bold=True, italic=True)
    rated = [r for r in data.table.rows if r.participation_rate is not None and r.participants]
    best = rated[:3]
    if best:
        names = "; ".join(f"{_unit_name(r)} ({vn_percent(r.participation_rate)})" for r in best)
        _paragraph(document, f"- Các đơn vị có tỷ lệ tham gia cao nhất: {names}.", indent=True)
    strong = [(t, c) for t, c in zip(data.weak.topics, data.weak.totals, strict=True) if c.answers]
    strong.sort(key=lambda pair: (-pair[1].rate, pair[0].name))
    if strong:
        topic, cell = strong[0]
        _paragraph(document, f"- Chủ đề được nắm vững nhất: “{topic.name}” ({vn_percent(cell.rate)} câu trả lời đúng).",
                   indent=True)
    done = [m for m in data.modules if m.completion_rate is not None]
    if done:
        top = max(done, key=lambda m: m.completion_rate)
        _paragraph(document, f"- Chuyên đề có tỷ lệ hoàn thành cao nhất: “{top.module.title}” "
                             f"({vn_percent(top.completion_rate)}).", indent=True)
    if not (best or strong or done):
        _paragraph(document, "- Chưa có số liệu trong kỳ.", indent=True)
    _paragraph(document, "2. Hạn chế", bold=True, italic=True)
    weakest = data.weak.weakest_topics(3)
    if weakest:
        names = "; ".join(f"“{t.name}” ({vn_percent(c.rate)})" for t, c in weakest)
        _paragraph(document, f"- Các chủ đề có tỷ lệ trả lời đúng thấp nhất: {names}.", indent=True)
    low = [r for r in data.table.rows if r.participation_rate is not None and r.participation_rate < LOW_PARTICIPATION]
    if low:
        names = "; ".join(f"{_unit_name(r)} ({vn_percent(r.participation_rate)})" for r in low)
        _paragraph(document, f"- Các đơn vị có tỷ lệ tham gia dưới {vn_number(LOW_PARTICIPATION)}%: {names}.",
                   indent=True)
    if data.missed:
        _paragraph(document, "- Các câu hỏi bị trả lời sai nhiều nhất:", indent=True)
        for missed in data.missed:
            _paragraph(document, f"+ {missed.question.text} (sai {vn_number(missed.wrong)}/"
                                 f"{vn_number(missed.answers)} lượt).", indent=True)
    if not (weakest or low or data.missed):
        _paragraph(document, "- Chưa có số liệu trong kỳ.", indent=True)


def _footer(document) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    paragraph = left.paragraphs[0]
    run = paragraph.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in ("- UBND xã (b/c);", "- Lưu: VT, VHXH."):
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(line).font.size = Pt(11)
    _cell_text(right, "TRƯỞNG PHÒNG", bold=True, size=14, first=True)
    _cell_text(right, "(Ký, ghi rõ họ tên)", italic=True, size=14)
