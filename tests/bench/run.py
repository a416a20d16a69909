#!/usr/bin/env python
"""`make bench`, after the journeys (journeys.py, `make bench-journeys`): the in-process benches,
on SQLite and then on a throwaway PostgreSQL (scripts/with-postgres.sh):

- bench_import.py:   a 1,000-question .xlsx import (target ≤ 3 s)
- bench_contests.py: a round's leaderboards at 10,000 and 1,000,000 attempts, and its closing
- bench_reports.py:  the organisers' dashboard, unit × topic table and .docx at 1,000,000 answers

Each script prints its own table and exits non-zero when a target is missed; this one prints
them all, writes them to bench-results/ (git-ignored) and fails if any of them failed.

    .venv/bin/python tests/bench/run.py [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = {
    "bench_import.py": "1,000-question .xlsx import",
    "bench_contests.py": "contest round: 10,000 → 1,000,000 attempts",
    "bench_reports.py": "organisers' reports at 1,000,000 answers",
}


def _run(script: str, database: str) -> tuple[str, bool]:
    command = [sys.executable, str(ROOT / "tests" / "bench" / script)]
    if database == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).strip(), done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    lines, failed = [f"# Benchmark {stamp}"], []
    for database in ("sqlite", "postgres"):
        if args.only and args.only != database:
            continue
        for script, title in SCRIPTS.items():
            print(f"== {database}: {title} ({script})", flush=True)
            output, ok = _run(script, database)
            print(output, flush=True)
            lines += ["", f"## {title} ({database})", "", "```", output, "```"]
            if not ok:
                failed.append(f"{script} on {database}")
    report = "\n".join(lines) + "\n"
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"bench-{stamp}.md").write_text(report)
    print(f"written to bench-results/bench-{stamp}.md")
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
