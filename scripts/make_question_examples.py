#!/usr/bin/env python
"""Write the example question files organisers can copy (fixtures/examples/):
cau-hoi-mau.docx (Word convention), cau-hoi-mau.gift (Moodle GIFT), cau-hoi-mau-aiken.txt (Aiken)
and mau-nhap-cau-hoi.xlsx (the empty Excel template).

    .venv/bin/python scripts/make_question_examples.py

Facts are taken from the demo bank (fixtures/question_bank.json), with its source references.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "examples"

DOCX = [
    ("Ngân hàng câu hỏi mẫu — nhập từ Word", {}),
    ("Chủ đề: Dịch vụ công trực tuyến, VNeID và thanh toán trực tuyến", {}),
    ("Câu 1: Theo khuyến cáo của Bộ Công an, người dân nên cài đặt ứng dụng VNeID từ đâu?", {}),
    ("A. Trang web bất kỳ có logo VNeID", {}),
    ("B. App Store (iOS) hoặc CH Play (Android)", {"bold": True}),
    ("C. Đường link do người tự xưng là công an gửi qua tin nhắn", {}),
    ("D. Tệp cài đặt được chia sẻ trong nhóm Facebook, Zalo", {}),
    ("Giải thích: Bộ Công an khuyến cáo chỉ cài VNeID từ App Store hoặc CH Play, "
     "tuyệt đối không cài từ đường link lạ.", {}),
    ("Nguồn: Khuyến cáo của Bộ Công an về ứng dụng VNeID giả mạo", {}),
    ("Độ khó: dễ", {}),
    ("Câu 2. Khi nhận cuộc gọi tự xưng là công an đề nghị cung cấp mã OTP để “kích hoạt định danh điện tử”, "
     "người dân nên làm gì?", {}),
    ("A) Đọc mã OTP cho người gọi", {}),
    ("B) Không cung cấp mã OTP và báo cho cơ quan công an *", {}),
    ("C) Cài ứng dụng theo đường link người gọi gửi", {}),
    ("Nguồn: Cảnh báo cuộc gọi mạo danh hướng dẫn kích hoạt định danh điện tử", {}),
    ("Đối tượng: người dân", {}),
    ("Chủ đề: Nghị quyết 76/NQ-CP và Chương trình tổng thể CCHC 2021–2030", {}),
    ("Câu 3: Nghị quyết 76/NQ-CP ban hành Chương trình tổng thể cải cách hành chính nhà nước "
     "giai đoạn nào?", {}),
    ("A. 2011–2020", {}),
    ("B. 2021–2030", {}),
    ("C. 2026–2035", {}),
    ("Đáp án: B", {}),
    ("Nguồn: Nghị quyết 76/NQ-CP ngày 15/7/2021", {}),
    ("Câu 4: Những nội dung nào thuộc Chương trình tổng thể cải cách hành chính theo Nghị quyết 76/NQ-CP?", {}),
    ("A. Cải cách thể chế", {}),
    ("B. Cải cách thủ tục hành chính", {}),
    ("C. Xây dựng nông thôn mới", {}),
    ("Đáp án: A, B", {}),
    ("Nguồn: Nghị quyết 76/NQ-CP, Mục II", {}),
]

GIFT = """\
// Ngân hàng câu hỏi mẫu — định dạng GIFT của Moodle.
// Các dòng "// Nguồn:", "// Độ khó:", "// Đối tượng:", "// Trạng thái:" ngay trên câu hỏi là phần mở rộng
// của hệ thống (Moodle coi là chú thích và bỏ qua).

$CATEGORY: $course$/top/Nghị quyết 76//NQ-CP và Chương trình tổng thể CCHC 2021–2030

// Nguồn: Nghị quyết 76/NQ-CP ngày 15/7/2021
// Độ khó: dễ
::NQ76-1:: Nghị quyết 76/NQ-CP ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn nào? {
  ~2011–2020
  =2021–2030
  ~2026–2035
  ####Nghị quyết 76/NQ-CP ngày 15/7/2021 ban hành Chương trình tổng thể CCHC giai đoạn 2021–2030.
}

// Nguồn: Nghị quyết 76/NQ-CP, Mục II
::NQ76-2:: Những nội dung nào thuộc Chương trình tổng thể cải cách hành chính theo Nghị quyết 76/NQ-CP? {
  ~%50%Cải cách thể chế
  ~%50%Cải cách thủ tục hành chính
  ~%-100%Xây dựng nông thôn mới
}

// Nguồn: Nghị quyết 76/NQ-CP ngày 15/7/2021
::NQ76-3:: Nghị quyết 76/NQ-CP do Chính phủ ban hành. {T}

// Câu hỏi điền số: hệ thống chưa hỗ trợ, sẽ được báo là bỏ qua.
::NQ76-4:: Nghị quyết 76/NQ-CP được ban hành năm nào? {#2021}
"""

AIKEN = """\
Nghị quyết 76/NQ-CP ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn nào?
A. 2011–2020
B. 2021–2030
C. 2026–2035
ANSWER: B

Theo khuyến cáo của Bộ Công an, người dân nên cài đặt ứng dụng VNeID từ đâu?
A) Trang web bất kỳ có logo VNeID
B) App Store (iOS) hoặc CH Play (Android)
C) Đường link do người tự xưng là công an gửi qua tin nhắn
ANSWER: B
"""


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from quizzes.exporters import bank_template_xlsx
    from tests.quizzes.import_helpers import make_docx

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cau-hoi-mau.docx").write_bytes(make_docx([[(text, fmt)] for text, fmt in DOCX]))
    (OUT / "cau-hoi-mau.gift").write_text(GIFT, encoding="utf-8")
    (OUT / "cau-hoi-mau-aiken.txt").write_text(AIKEN, encoding="utf-8")
    (OUT / "mau-nhap-cau-hoi.xlsx").write_bytes(bank_template_xlsx())
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
