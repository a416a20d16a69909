#!/usr/bin/env python
"""`make bench`: requests per second and p95 latency of the quiz API under gunicorn (2 workers,
DEBUG off), on SQLite and then on a throwaway PostgreSQL, each measured against a hello-world
Django view in the same run:

- baseline: GET /bench/hello/ (tests/bench/urls.py; not in the production URLconf)
- save:     POST /api/attempts/<id>/answers/ (one answer; many people answering at once)
- submit:   POST /api/attempts/<id>/submit/ (grading a 20-question attempt, every request a
            fresh attempt with all its answers saved)
- floors:   GET /bench/floor/save/… and /bench/floor/submit/… (tests/bench/urls.py): views that
            do only the writes a save (one item) and a submit (an attempt's items and its row, in
            one transaction) cannot do without (no target; see FLOORS)

Targets (issue 3): save ≥ 0.5× and submit ≥ 0.2× the baseline's req/s. Load comes from wrk
(one thread, 8 connections: it leaves the two cores to the server) with Lua scripts for the
bodies and tokens. Then, on each database, tests/bench/bench_import.py (1,000-question .xlsx
import) and tests/bench/bench_contests.py (a round at 10,000 and 1,000,000 attempts). The table
is printed and written to bench-results/ (git-ignored); the run exits non-zero when a target is
missed, a request failed, the server logged an error, or the submits ran out of fresh attempts.

    .venv/bin/python tests/bench/run.py [--duration 5] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
QUESTIONS = 20
SAVE_ATTEMPTS = 300
# Fresh attempts to submit, per second of measurement: more than a server grades, so that every
# submit measured grades an attempt (a re-submit only reads the result back, and is far cheaper).
SUBMITS_PER_SECOND = 1500
CONNECTIONS = 8
TARGETS = {"save": 0.5, "submit": 0.2}
# What no way of writing the two requests can beat on this machine: their writes alone, as views
# that do nothing else (tests/bench/urls.py), on the attempts seeded for saving.
FLOORS = {
    "floor_save": "one item written by its key",
    "floor_submit": f"{QUESTIONS} items and their attempt written, in a transaction",
}

DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""

CYCLE_LUA = r"""
local entries = dofile("%s")
local i = 0
request = function()
  i = i + 1
  local e = entries[(i - 1) %% #entries + 1]
  return wrk.format("POST", e[1], e[2], e[3])
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII text is a valid Lua string literal


def _write_entries(path: Path, entries: list[tuple[str, dict[str, str], str]]) -> None:
    lines = ["return {"]
    for url, headers, body in entries:
        header_table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        lines.append(f"  {{{_lua_string(url)}, {{{header_table}}}, {_lua_string(body)}}},")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


# --- One database ------------------------------------------------------------------------------


def _server_env(database_url: str, tmp: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "ERROR",
    }


def _seed(tmp: Path, submit_attempts: int) -> dict:
    """A quiz of 20 questions, people with API tokens and attempts: open and empty (for saving),
    open and fully answered (for submitting). Written in bulk, shaped as attempt_start writes them."""
    from datetime import timedelta

    from django.db.models import Max, Min
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Unit, UnitKind, User
    from quizzes.models import (
        Attempt,
        AttemptQuestion,
        Audience,
        Choice,
        Question,
        QuestionStatus,
        Quiz,
        QuizFixedQuestion,
        Topic,
    )

    rng = random.Random(2025)
    unit = Unit.objects.create(name="Đơn vị đo hiệu năng", kind=UnitKind.COMMUNE, headcount=submit_attempts)
    topic = Topic.objects.create(slug="do-hieu-nang", name="Đo hiệu năng")
    questions = Question.objects.bulk_create([
        Question(topic=topic, text=f"Câu hỏi đo hiệu năng số {n + 1}?", explanation="Giải thích.",
                 audience=Audience.BOTH, status=QuestionStatus.PUBLISHED, source="NQ 76/NQ-CP, Mục II")
        for n in range(QUESTIONS)
    ])
    Choice.objects.bulk_create([
        Choice(question=q, text=f"Phương án {letter}", is_correct=letter == "B", order=n)
        for q in questions for n, letter in enumerate("ABCD")
    ])
    quiz = Quiz.objects.create(title="Bài đo hiệu năng", slug="bai-do-hieu-nang", audience=Audience.BOTH,
                               time_limit_seconds=6 * 3600, attempts_allowed=None, shuffle_choices=False)
    QuizFixedQuestion.objects.bulk_create([QuizFixedQuestion(quiz=quiz, question=q, order=n)
                                           for n, q in enumerate(questions)])
    snapshot = [(q, [{"id": c.pk, "text": c.text, "correct": c.is_correct} for c in q.choices.all()])
                for q in Question.objects.filter(topic=topic).prefetch_related("choices").order_by("pk")]

    people = User.objects.bulk_create([
        User(phone=f"08{n:08d}", full_name=f"Người đo {n}", unit=unit, password="!")  # unusable: token only
        for n in range(SAVE_ATTEMPTS + submit_attempts)
    ])
    tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=p) for p in people])
    now = timezone.now()
    attempts = Attempt.objects.bulk_create([
        Attempt(quiz=quiz, user=p, number=1, started_at=now, deadline=now + timedelta(hours=6), max_score=QUESTIONS)
        for p in people
    ], batch_size=1000)
    items = []
    for n, attempt in enumerate(attempts):
        answered = n >= SAVE_ATTEMPTS
        for position, (question, choices) in enumerate(snapshot, start=1):
            items.append(AttemptQuestion(
                attempt=attempt, question=question, position=position, type=question.type, text=question.text,
                explanation=question.explanation, topic_id_snapshot=topic.pk, choices=choices,
                selected=[rng.choice(choices)["id"]] if answered else [],
                answered_at=now if answered else None,
            ))
    AttemptQuestion.objects.bulk_create(items, batch_size=2000)
    item_ids: dict[int, list[tuple[int, list[int]]]] = {}
    for item_id, attempt_id, choices in AttemptQuestion.objects.filter(
            attempt__quiz=quiz, attempt__in=attempts[:SAVE_ATTEMPTS]).values_list("pk", "attempt_id", "choices"):
        item_ids.setdefault(attempt_id, []).append((item_id, [c["id"] for c in choices]))

    def auth(token: Token) -> dict[str, str]:
        return {"Authorization": f"Token {token.key}", "Content-Type": "application/json"}

    save_entries = [
        (f"/api/attempts/{attempt.pk}/answers/", auth(token),
         json.dumps({"item": item_id, "choices": [rng.choice(choice_ids)]}))
        for attempt, token in zip(attempts[:SAVE_ATTEMPTS], tokens[:SAVE_ATTEMPTS], strict=True)
        for item_id, choice_ids in item_ids[attempt.pk]
    ]
    # Shuffled, so that the concurrent requests are mostly about different people's attempts.
    rng.shuffle(save_entries)
    submit_entries = [
        (f"/api/attempts/{attempt.pk}/submit/", {**auth(token), "Idempotency-Key": f"bench-{attempt.pk}"}, "")
        for attempt, token in zip(attempts[SAVE_ATTEMPTS:], tokens[SAVE_ATTEMPTS:], strict=True)
    ]
    _write_entries(tmp / "save.lua.data", save_entries)
    _write_entries(tmp / "submit.lua.data", submit_entries)
    saving = attempts[:SAVE_ATTEMPTS]
    first_item, last_item = (AttemptQuestion.objects.filter(attempt__in=saving).aggregate(
        first=Min("pk"), last=Max("pk")).values())
    return {"quiz": quiz.pk, "floor_save": f"/bench/floor/save/{first_item}/{last_item}/",
            "floor_submit": f"/bench/floor/submit/{saving[0].pk}/{saving[-1].pk}/"}


def _wrk(url: str, script: Path, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["p95_ms"] = data["p95_us"] / 1000
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(f"{base}/bench/hello/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def phase(name: str, duration: int, out: Path) -> None:
    """Seed, serve and measure one database; results as JSON in `out`."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    port = _free_port()
    database_url = os.environ.get("DATABASE_URL") if name == "postgres" else f"sqlite:///{tmp / 'db.sqlite3'}"
    if not database_url:
        raise SystemExit("the postgres phase needs DATABASE_URL (run it through scripts/with-postgres.sh)")
    env = _server_env(database_url, tmp, port)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.monotonic()
    seeded = _seed(tmp, SUBMITS_PER_SECOND * duration)
    seed_seconds = time.monotonic() - started
    connection.close()

    for kind in ("hello", "save", "submit"):
        body = DONE_LUA if kind == "hello" else CYCLE_LUA % (tmp / f"{kind}.lua.data") + DONE_LUA
        (tmp / f"{kind}.lua").write_text(body)
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        _wrk(f"{base}/bench/hello/", tmp / "hello.lua", 2)  # warm-up: workers loaded, connections open
        results = {
            "baseline": _wrk(f"{base}/bench/hello/", tmp / "hello.lua", duration),
            "save": _wrk(base, tmp / "save.lua", duration),
            "submit": _wrk(base, tmp / "submit.lua", duration),
            # The floors, last: they write on the attempts measured by the save.
            "floor_save": _wrk(f"{base}{seeded['floor_save']}", tmp / "hello.lua", duration),
            "floor_submit": _wrk(f"{base}{seeded['floor_submit']}", tmp / "hello.lua", duration),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    from quizzes.models import Attempt, AttemptStatus
    graded = Attempt.objects.filter(quiz_id=seeded["quiz"], status=AttemptStatus.SUBMITTED).count()
    results["submit"]["distinct_attempts_graded"] = graded
    results["submit"]["seeded"] = SUBMITS_PER_SECOND * duration
    results["seed_seconds"] = round(seed_seconds, 1)
    server_log = (tmp / "server.log").read_text(errors="replace")
    results["server_errors"] = server_log.count("Traceback")
    if results["server_errors"]:
        first = server_log.index("Traceback")
        print(f"{name}: the server failed; its first error:\n{server_log[first:first + 4000]}", file=sys.stderr)
    out.write_text(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


# --- Both databases, the table ------------------------------------------------------------------


def _run_phase(name: str, duration: int, out: Path) -> dict:
    command = [PYTHON, str(Path(__file__).resolve()), "--phase", name, "--duration", str(duration), "--out", str(out)]
    if name == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(out.read_text())


def _import_bench(database: str) -> str:
    script = ROOT / "tests" / "bench" / "bench_import.py"
    if not script.exists():
        return ""
    command = [PYTHON, str(script)]
    if database == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return (done.stdout + done.stderr).strip()


def _contest_bench(database: str) -> tuple[str, bool]:
    """tests/bench/bench_contests.py (contests area): leaderboards at 10,000 and 1,000,000
    attempts in one round, and closing that round; its exit status says whether targets held."""
    command = [PYTHON, str(ROOT / "tests" / "bench" / "bench_contests.py")]
    if database == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return (done.stdout + done.stderr).strip(), done.returncode == 0


def table(all_results: dict[str, dict]) -> str:
    rows = ["| database | endpoint | req/s | p95 (ms) | × baseline | target | non-2xx | |",
            "|---|---|---:|---:|---:|---:|---:|---|"]
    for database, results in all_results.items():
        baseline = results["baseline"]["rps"]
        for kind in ("baseline", "save", "submit", "floor_save", "floor_submit"):
            if kind not in results:
                continue
            r = results[kind]
            ratio = r["rps"] / baseline
            target = TARGETS.get(kind)
            verdict = "" if target is None else ("ok" if ratio >= target else "BELOW TARGET")
            if kind == "submit" and r["requests"] > r["distinct_attempts_graded"]:
                verdict = "INVALID: ran out of fresh attempts, re-submits measured"
            goal = "" if target is None else f"≥ {target}"
            if kind in FLOORS:
                verdict = FLOORS[kind]
            rows.append(f"| {database} | {kind} | {r['rps']:.0f} | {r['p95_ms']:.1f} | {ratio:.2f} | {goal} | "
                        f"{r['non_2xx'] + r['socket_errors']} | {verdict} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--phase", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.duration, args.out)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    all_results = {}
    imports = {}
    contests: dict[str, tuple[str, bool]] = {}
    for database in ("sqlite", "postgres"):
        if args.only and args.only != database:
            continue
        print(f"== {database}: seeding, then gunicorn (2 workers) under wrk -t1 -c{CONNECTIONS} -d{args.duration}s")
        all_results[database] = _run_phase(database, args.duration, work / f"{database}.json")
        imports[database] = _import_bench(database)
        print(f"== {database}: contest leaderboards at 10,000 and 1,000,000 attempts, round close")
        contests[database] = _contest_bench(database)
    shutil.rmtree(work, ignore_errors=True)

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = [f"# Benchmark {stamp}", "", f"gunicorn 2 workers, DEBUG off; wrk -t1 -c{CONNECTIONS} -d{args.duration}s; "
             f"submit = grading a {QUESTIONS}-question attempt, save = one answer.", "", table(all_results), ""]
    for database, results in all_results.items():
        submit = results["submit"]
        lines.append(f"- {database}: {submit['distinct_attempts_graded']} distinct attempts graded by "
                     f"{submit['requests']} submit requests (seeded {submit['seeded']}); server tracebacks: "
                     f"{results['server_errors']}; seeding took {results['seed_seconds']} s")
    for database, output in imports.items():
        if output:
            lines += ["", f"## 1,000-question .xlsx import ({database})", "", "```", output, "```"]
    for database, (output, _ok) in contests.items():
        lines += ["", f"## Contest round: 10,000 → 1,000,000 attempts ({database})", "", "```", output, "```"]
    report = "\n".join(lines) + "\n"
    print(report)
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"bench-{stamp}.md").write_text(report)
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(all_results, indent=2))
    print(f"written to bench-results/bench-{stamp}.md")
    failed = any(results["server_errors"] or results[k]["non_2xx"] or results[k]["socket_errors"]
                 for results in all_results.values() for k in ("baseline", "save", "submit", *FLOORS))
    failed = failed or any(results["submit"]["requests"] > results["submit"]["distinct_attempts_graded"]
                           for results in all_results.values())
    # A missed ratio target fails the run too, as the other benchmarks' missed targets do.
    failed = failed or any(results[kind]["rps"] < target * results["baseline"]["rps"]
                           for results in all_results.values() for kind, target in TARGETS.items())
    failed = failed or not all(ok for _output, ok in contests.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
