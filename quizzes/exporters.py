"""Export the bank (or one topic) to .xlsx and GIFT, in the layouts the importers read back:
export → import gives the same questions, choices, correct flags and fields."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from quizzes.importers import (
    AUDIENCE_LABELS,
    DIFFICULTY_LABELS,
    FALSE_TEXT,
    LETTERS,
    STATUS_LABELS,
    TRUE_TEXT,
    TYPE_LABELS,
    label_for,
)
from quizzes.importers.gift import escape
from quizzes.importers.xlsx import COLUMNS, HEADERS, SHEET_TITLE
from quizzes.models import Choice, Question, QuestionType, Topic

_WIDTHS = {"topic": 28, "text": 60, "type": 14, "correct": 12, "explanation": 45, "difficulty": 12,
           "audience": 12, "source": 30, "status": 14, **dict.fromkeys(LETTERS, 28)}
_CHOICES_OF_FIELD = {"type": TYPE_LABELS, "difficulty": DIFFICULTY_LABELS, "audience": AUDIENCE_LABELS,
                     "status": STATUS_LABELS}


def bank_questions(*, topic: Topic | None = None) -> QuerySet[Question]:
    questions = Question.objects.select_related("topic").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    if topic is not None:
        questions = questions.filter(topic=topic)
    return questions.order_by("topic__name", "pk")


def question_rows(questions: Iterable[Question]) -> Iterator[list[str]]:
    """One row per question in the template's column order."""
    for question in questions:
        choices = list(question.choices.all())
        row = {
            "topic": question.topic.name,
            "text": question.text,
            "type": label_for(TYPE_LABELS, question.type),
            "correct": ", ".join(LETTERS[i] for i, c in enumerate(choices[: len(LETTERS)]) if c.is_correct),
            "explanation": question.explanation,
            "difficulty": label_for(DIFFICULTY_LABELS, question.difficulty),
            "audience": label_for(AUDIENCE_LABELS, question.audience),
            "source": question.source,
            "status": label_for(STATUS_LABELS, question.status),
        }
        for letter, choice in zip(LETTERS, choices, strict=False):
            row[letter] = choice.text
        yield [row.get(name, "") for name, _header, _aliases in COLUMNS]


def _workbook_bytes(rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "A2"
    count = 1
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
        count += 1
    for position, (name, _header, _aliases) in enumerate(COLUMNS, start=1):
        column = get_column_letter(position)
        sheet.column_dimensions[column].width = _WIDTHS[name]
        if name in _CHOICES_OF_FIELD:
            options = ",".join(words[0] for words in _CHOICES_OF_FIELD[name].values())
            check = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            sheet.add_data_validation(check)
            check.add(f"{column}2:{column}{max(count, 1000)}")
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # A text starting with "=" would become a formula in Excel; store it as text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _add_guide(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_GUIDE = [
    "Mỗi dòng của trang “Câu hỏi” là một câu hỏi. Không đổi tên các cột ở dòng đầu.",
    "Chủ đề: tên (hoặc mã) chủ đề; chủ đề chưa có sẽ được tạo mới. Có thể bỏ trống nếu chọn chủ đề khi nhập.",
    "Loại: một đáp án, nhiều đáp án hoặc đúng sai. Bỏ trống: hệ thống tự suy ra từ số đáp án đúng.",
    "A–F: các lựa chọn, điền liên tục từ A (ít nhất 2, nhiều nhất 6). Câu đúng sai: A = Đúng, B = Sai "
    "(hoặc để trống và ghi Đáp án đúng là Đúng/Sai).",
    "Đáp án đúng: chữ cái của lựa chọn đúng, ví dụ B; nhiều đáp án: A, C.",
    "Độ khó: dễ, trung bình, khó (mặc định trung bình). Đối tượng: cán bộ, người dân, tất cả (mặc định tất cả).",
    "Nguồn: số hiệu văn bản và điều, mục, ví dụ “NQ 76/NQ-CP, Mục II” — bắt buộc với câu đã xuất bản.",
    "Trạng thái: nháp hoặc đã xuất bản (mặc định nháp).",
    "Ví dụ: Chủ đề “Dịch vụ công trực tuyến”; Câu hỏi “Tài khoản định danh điện tử mức độ 2 được dùng để làm gì?”; "
    "Loại “một đáp án”; A “…”, B “…”; Đáp án đúng “B”.",
]


def _add_guide(book) -> None:
    from openpyxl.styles import Alignment, Font

    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Hướng dẫn nhập ngân hàng câu hỏi"])
    guide["A1"].font = Font(bold=True, size=13)
    for line in _GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    for cells in guide.iter_rows(min_row=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")


def bank_template_xlsx() -> bytes:
    """The empty .xlsx template organisers download (header, widths, dropdowns, a guide sheet)."""
    return _workbook_bytes([])


def bank_export_xlsx(*, topic: Topic | None = None) -> bytes:
    return _workbook_bytes(question_rows(bank_questions(topic=topic)))


def _gift_category(name: str) -> str:
    return escape(name).replace("/", "//")


def bank_export_gift(*, topic: Topic | None = None) -> str:
    """GIFT text; the fields GIFT has no place for are written as `// Label: value` comments."""
    out: list[str] = []
    current: int | None = None
    number = 0
    for question in bank_questions(topic=topic):
        if question.topic_id != current:
            current, number = question.topic_id, 0
            out.append(f"$CATEGORY: {_gift_category(question.topic.name)}\n")
        number += 1
        choices = list(question.choices.all())
        meta = [
            f"// Loại: {label_for(TYPE_LABELS, question.type)}",
            f"// Độ khó: {label_for(DIFFICULTY_LABELS, question.difficulty)}",
            f"// Đối tượng: {label_for(AUDIENCE_LABELS, question.audience)}",
            f"// Trạng thái: {label_for(STATUS_LABELS, question.status)}",
        ]
        if question.source:
            meta.append(f"// Nguồn: {' '.join(question.source.split())}")
        if question.type == QuestionType.TRUE_FALSE and [c.text for c in choices] == [TRUE_TEXT, FALSE_TEXT]:
            answers = "T" if choices[0].is_correct else "F"
        elif question.type == QuestionType.MULTIPLE:
            right = sum(c.is_correct for c in choices) or 1
            weight = f"{100 / right:.5f}".rstrip("0").rstrip(".")
            answers = " ".join(f"~%{weight if c.is_correct else '-100'}%{escape(c.text)}" for c in choices)
        else:
            answers = " ".join(f"{'=' if c.is_correct else '~'}{escape(c.text)}" for c in choices)
        feedback = f" ####{escape(question.explanation)}" if question.explanation else ""
        # The title keeps a text that starts with "//" or "$" from reading as a comment or a category.
        out.append("\n".join(meta) + f"\n::Câu {number}:: {escape(question.text)} {{{answers}{feedback}}}\n")
    return "\n".join(out)
