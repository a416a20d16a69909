#!/usr/bin/env python
"""Benchmark: import a 1,000-question .xlsx (parse, validate, save). Target: ≤ 3 s.

    .venv/bin/python tests/bench/bench_import.py [--questions N] [--runs R]

Runs on a throwaway SQLite database unless DATABASE_URL is set (then on that database, migrated
first; each import runs in a transaction that is rolled back, so nothing stays). PostgreSQL:
scripts/with-postgres.sh .venv/bin/python tests/bench/bench_import.py Prints the seconds of a dry run (read and
validate) and of each full import.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_rows(count: int) -> list[dict[str, object]]:
    kinds = ["một đáp án", "nhiều đáp án", "đúng sai"]
    rows = []
    for n in range(count):
        kind = kinds[n % 3]
        row = {"Chủ đề": f"Chủ đề thử {n % 5 + 1}", "Câu hỏi": f"Câu hỏi thử số {n + 1}: nội dung nào đúng?",
               "Loại": kind, "Giải thích": "Giải thích ngắn cho câu hỏi " * 3, "Độ khó": "trung bình",
               "Đối tượng": "tất cả", "Nguồn": "NQ 76/NQ-CP, Mục II", "Trạng thái": "đã xuất bản"}
        if kind == "đúng sai":
            row.update({"A": "Đúng", "B": "Sai", "Đáp án đúng": "A"})
        else:
            row.update({letter: f"Phương án {letter} của câu {n + 1}" for letter in "ABCD"})
            row["Đáp án đúng"] = "A, C" if kind == "nhiều đáp án" else "B"
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-import-")
    own_db = "DATABASE_URL" not in os.environ
    if own_db:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from quizzes.bank_import import questions_import
    from quizzes.models import Choice, Question
    from tests.quizzes.import_helpers import make_xlsx

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = make_xlsx(build_rows(args.questions))
    print(f"database: {connection.vendor}; file: {args.questions} questions, {len(data) / 1024:.0f} KiB "
          f"(built in {time.perf_counter() - started:.2f} s)")

    class Rollback(Exception):
        pass

    rows = build_rows(args.questions)
    choices = sum(1 for row in rows for letter in "ABCDEF" if row.get(letter))
    started = time.perf_counter()
    questions_import(source=data, format="xlsx", dry_run=True)
    print(f"dry run (read and validate only): {time.perf_counter() - started:.2f} s")
    timings = []
    for run in range(1, args.runs + 1):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                report = questions_import(source=data, format="xlsx")
                elapsed = time.perf_counter() - started
                assert report.ok and report.created == args.questions, report.errors[:3]
                assert Question.objects.count() == args.questions and Choice.objects.count() == choices
                raise Rollback
        except Rollback:
            pass
        timings.append(elapsed)
        print(f"run {run}: imported {args.questions} questions in {elapsed:.2f} s")
    best = min(timings)
    print(f"best: {best:.2f} s (target ≤ 3 s): {'OK' if best <= 3 else 'TOO SLOW'}")
    return 0 if best <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
