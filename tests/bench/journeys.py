#!/usr/bin/env python
"""`make bench-journeys`: virtual people doing what a phone's browser does, against gunicorn
(config/gunicorn.py, 2 workers, DEBUG off, production settings plus the hello-world view of
tests/bench/urls.py), on SQLite and then on a throwaway PostgreSQL (scripts/with-postgres.sh).

- resident: contest page → login page → login → round start page → start → each attempt page,
  one htmx save per answer (as templates/quizzes/_question.html posts it), the page's own form →
  submit page with the prediction → submit → result → leaderboard, polled by htmx
- civil servant: to-do list (via the login) → module → each lesson, "I have finished reading"
  (htmx) → module quiz (start, answers, submit) → result → module page → certificate PDF
- organiser: the round's participation page and the reports dashboard, reloaded every 15 s

Measured per database, in one run: the hello-world view; logins per second; the most residents
whose journeys keep p95 < 300 ms with 0 errors, by stepping the load (think time compressed: a
level of V virtual people at mean think T stands for V × 60 s / T people at Moodle's 60 s); and
the start surge (N residents logging in and starting within 60 s). After the server stops,
every answer a person saw acknowledged is compared with the database. The load comes from
tests/bench/journeys_load.py in its own venv (var/bench-venv, requirements-bench.txt), whose own
CPU use is reported. Results: a table on stdout, JSON and Markdown in bench-results/. Exit status
non-zero on a lost answer, a 5xx or a server traceback, a crash, or (--smoke) any error.

    .venv/bin/python tests/bench/journeys.py [--smoke] [--only sqlite|postgres] [--surge 1000] [--think 0.5]
"""

from __future__ import annotations

import argparse
import json
import os
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
HERE = Path(__file__).resolve().parent
LOAD_PYTHON = ROOT / "var" / "bench-venv" / "bin" / "python"
sys.path.insert(0, str(HERE))
from journeys_report import report  # noqa: E402


def _config(args: argparse.Namespace) -> dict:
    if args.smoke:
        return {"think": 0.1, "levels": [2], "max_levels": 1, "level_seconds": 45, "once": True, "staff_ratio": 0.5,
                "organisers": 1, "organiser_poll": 1.0, "hello_seconds": 1, "login_seconds": 1, "surge": 5,
                "surge_window": 1.0, "request_timeout": 30, "p95_target_ms": args.p95}
    return {"think": args.think, "levels": args.levels, "max_levels": 6, "level_seconds": args.level_seconds,
            "once": False, "staff_ratio": 0.1, "organisers": 2, "organiser_poll": 15.0, "hello_seconds": 5,
            "login_seconds": 10, "surge": args.surge, "surge_window": 60.0, "request_timeout": 120,
            "p95_target_ms": args.p95}


def _accounts(cfg: dict) -> tuple[int, int]:
    """Residents and civil servants to seed: a fresh account per journey (a journey lasts about
    40 think times), the login measurement's, the surge's, and spares."""
    journeys = cfg["level_seconds"] / (40 * cfg["think"]) + 2
    levels = sorted(cfg["levels"])[-1] * 2
    residents = int(cfg["max_levels"] * levels * journeys + 12 * cfg["login_seconds"] + cfg["surge"] + 50)
    staff = int(cfg["max_levels"] * max(1, levels * cfg["staff_ratio"]) * journeys + 20)
    return residents, staff


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str, tmp: Path, port: int, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # As deployed: https through nginx, which sets X-Forwarded-Proto (the bench sends it).
        "SITE_URL": f"https://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "ERROR",
        "WEB_CONCURRENCY": "2",
    }


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    request = urllib.request.Request(f"{base}/bench/hello/", headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def phase(name: str, cfg: dict, out: Path) -> None:
    """Seed, serve, load and check one database; the results as JSON in `out`."""
    tmp = Path(tempfile.mkdtemp(prefix=f"journeys-{name}-"))
    port = _free_port()
    database_url = os.environ.get("DATABASE_URL") if name == "postgres" else f"sqlite:///{tmp / 'db.sqlite3'}"
    if not database_url:
        raise SystemExit("the postgres phase needs DATABASE_URL (run it through scripts/with-postgres.sh)")
    env = _server_env(database_url, tmp, port, os.environ.get("BENCH_STATIC_ROOT") or str(tmp / "static"))
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import journeys_seed
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    if not os.environ.get("BENCH_STATIC_ROOT"):
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    residents, staff = _accounts(cfg)
    plan = journeys_seed.seed(residents=residents, staff=staff, organisers=cfg["organisers"], root=ROOT)
    seed_seconds = time.monotonic() - started
    connection.close()

    log_path = tmp / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "-w", "2",
         "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    plan.update(base=base, server_pid=server.pid, run=cfg)
    (tmp / "plan.json").write_text(json.dumps(plan))
    try:
        _wait_until_up(base, server)
        load = subprocess.run([str(LOAD_PYTHON), str(HERE / "journeys_load.py"), str(tmp / "plan.json"),
                               str(tmp / "load.json")], cwd=ROOT)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    results: dict = {"database": name, "seed_seconds": round(seed_seconds, 1), "seeded": {
        "residents": residents, "staff": staff, "organisers": cfg["organisers"]}, "load_exit": load.returncode}
    server_log = log_path.read_text(errors="replace")
    results["server_tracebacks"] = server_log.count("Traceback")
    if results["server_tracebacks"]:
        first = server_log.index("Traceback")
        print(f"{name}: the server failed; its first error:\n{server_log[first:first + 4000]}", file=sys.stderr)
    if load.returncode == 0:
        loaded = json.loads((tmp / "load.json").read_text())
        results.update({k: v for k, v in loaded.items() if k != "acks"})
        results["answers"] = journeys_seed.verify(loaded["acks"])
        results["statements"] = journeys_seed.count_statements(loaded["spare_resident"])
    out.write_text(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


def _tracebacks(patterns: list[str]) -> int:
    import glob

    return sum(Path(f).read_text(errors="replace").count("Traceback") for p in patterns for f in glob.glob(p))


def _pids(raw: str) -> list[int]:
    """Process ids, given as numbers or pid files, comma-separated."""
    pids = []
    for item in filter(None, raw.split(",")):
        path = Path(item)
        pids.append(int(path.read_text().split()[0]) if path.exists() else int(item))
    return pids


def phase_cluster(cfg: dict, args: argparse.Namespace, out: Path) -> None:
    """Against a deployment already running (scripts/cluster.sh; tests/cluster/): its database is
    seeded through the settings and DATABASE_URL of this process's environment (the cluster's),
    the load goes to --base-url (nginx's https address, certificate not verified), and the CPU is
    counted per group of processes: the app servers, PostgreSQL, nginx."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import journeys_seed
    from django.db import connection

    started = time.monotonic()
    residents, staff = _accounts(cfg)
    plan = journeys_seed.seed(residents=residents, staff=staff, organisers=cfg["organisers"], root=ROOT)
    seed_seconds = time.monotonic() - started
    connection.close()
    # The production URLconf has no bench view: the baseline is the load balancer's health check.
    plan["urls"]["hello"] = "/healthz"
    plan.update(base=args.base_url.rstrip("/"), server_pids=_pids(args.server_pids),
                database_pids=_pids(args.database_pids or ""), proxy_pids=_pids(args.proxy_pids or ""), run=cfg)
    tmp = Path(tempfile.mkdtemp(prefix="journeys-cluster-"))
    (tmp / "plan.json").write_text(json.dumps(plan))
    logs = args.server_logs.split(",") if args.server_logs else []
    tracebacks_before = _tracebacks(logs)
    load = subprocess.run([str(LOAD_PYTHON), str(HERE / "journeys_load.py"), str(tmp / "plan.json"),
                           str(tmp / "load.json")], cwd=ROOT)
    results: dict = {"database": "cluster", "base": plan["base"], "app_servers": len(plan["server_pids"]),
                     "seed_seconds": round(seed_seconds, 1), "seeded": {
                         "residents": residents, "staff": staff, "organisers": cfg["organisers"]},
                     "load_exit": load.returncode, "server_tracebacks": _tracebacks(logs) - tracebacks_before}
    if load.returncode == 0:
        loaded = json.loads((tmp / "load.json").read_text())
        results.update({k: v for k, v in loaded.items() if k != "acks"})
        results["answers"] = journeys_seed.verify(loaded["acks"])
    out.write_text(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


def _run_phase(name: str, args: argparse.Namespace, out: Path) -> dict | None:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--out", str(out), *args.passthrough]
    if name == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
    done = subprocess.run(command, cwd=ROOT)
    if done.returncode != 0 or not out.exists():
        print(f"== {name}: the phase crashed (exit status {done.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text())


def failures(results: dict, smoke: bool) -> list[str]:
    """Why this database's run fails, if it does."""
    problems = []
    if results.get("load_exit"):
        return [f"the load tool crashed (exit status {results['load_exit']})"]
    if results["server_tracebacks"]:
        problems.append(f"{results['server_tracebacks']} server tracebacks")
    measured = [results["hello"], results["logins"], results["surge"], *results["levels"]]
    server_errors = sum(m["server_errors"] for m in measured)
    if server_errors:
        problems.append(f"{server_errors} responses 5xx")
    if results["answers"]["lost"]:
        problems.append(f"{results['answers']['lost']} acknowledged answers lost")
    if results["answers"].get("duplicates"):
        problems.append(f"{results['answers']['duplicates']} attempts or standings made twice")
    if smoke:
        errors = sum(m["errors"] for m in measured)
        if errors:
            problems.append(f"{errors} failed requests")
        for kind in ("resident", "civil servant", "organiser"):
            if not results["journeys"].get(kind):
                problems.append(f"no {kind} journey completed")
        if not results["answers"]["acknowledged_saves"]:
            problems.append("no answer was saved")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few people of each kind, SQLite only, < 1 minute")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--surge", type=int, default=1000, help="residents in the start surge (default 1000)")
    parser.add_argument("--think", type=float, default=0.5, help="compressed mean think time, seconds (default 0.5)")
    parser.add_argument("--level-seconds", type=float, default=30, help="seconds per load level (default 30)")
    parser.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], default=[10, 20, 40, 80, 160],
                        help="resident levels tried in turn until one fails, then bisected (default 10,20,40,80,160)")
    parser.add_argument("--p95", type=float, default=300, help="p95 target, ms (default 300)")
    parser.add_argument("--base-url", help="load a running deployment (nginx's https address) instead of a gunicorn "
                        "of its own; its settings and DATABASE_URL come from the environment (tests/cluster/)")
    parser.add_argument("--server-pids", default="", help="with --base-url: the app servers' gunicorn masters "
                        "(pids or pid files, comma-separated), whose CPU is measured")
    parser.add_argument("--database-pids", default="", help="with --base-url: PostgreSQL's postmaster (pid or file)")
    parser.add_argument("--proxy-pids", default="", help="with --base-url: nginx's master (pid or pid file)")
    parser.add_argument("--server-logs", default="", help="with --base-url: the app servers' logs (globs, "
                        "comma-separated), where a traceback fails the run")
    parser.add_argument("--report", type=Path, help="print the report of an earlier run's JSON, and stop")
    parser.add_argument("--phase", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cfg = _config(args)
    if args.report:
        saved = json.loads(args.report.read_text())
        print(report(saved["results"], saved["config"], args.report.stem, saved["uptime"], saved.get("seconds", 0)))
        return 0
    if args.phase:
        phase(args.phase, cfg, args.out)
        return 0
    if args.base_url:
        return cluster_main(args, cfg)
    if not LOAD_PYTHON.exists():
        print(f"{LOAD_PYTHON} is missing: run `make bench-journeys` (it installs requirements-bench.txt)",
              file=sys.stderr)
        return 1
    args.passthrough = [a for a in sys.argv[1:] if a not in ("--only", args.only)]
    work = Path(tempfile.mkdtemp(prefix="journeys-"))
    static = work / "static"
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                   env={**os.environ, "STATIC_ROOT": str(static), "DEBUG": "false", "SECRET_KEY": "x" * 50})
    os.environ["BENCH_STATIC_ROOT"] = str(static)
    uptime = {"before": os.getloadavg()}
    started = time.monotonic()
    databases = ["sqlite"] if args.smoke else [d for d in ("sqlite", "postgres") if not args.only or args.only == d]
    all_results: dict[str, dict | None] = {}
    for database in databases:
        print(f"== {database}: seeding, then gunicorn (2 workers) under the virtual people", flush=True)
        all_results[database] = _run_phase(database, args, work / f"{database}.json")
    shutil.rmtree(work, ignore_errors=True)
    uptime["after"] = os.getloadavg()

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = report(all_results, cfg, stamp, uptime, time.monotonic() - started)
    print(text)
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    name = f"journeys{'-smoke' if args.smoke else ''}-{stamp}"
    (out_dir / f"{name}.md").write_text(text)
    (out_dir / f"{name}.json").write_text(json.dumps(
        {"config": cfg, "uptime": uptime, "seconds": round(time.monotonic() - started), "results": all_results},
        indent=2))
    print(f"written to bench-results/{name}.md and .json")
    problems = {db: (["the phase crashed"] if r is None else failures(r, args.smoke)) for db, r in all_results.items()}
    for database, reasons in problems.items():
        for reason in reasons:
            print(f"FAILED ({database}): {reason}", file=sys.stderr)
    return 1 if any(problems.values()) else 0


def cluster_main(args: argparse.Namespace, cfg: dict) -> int:
    """One phase against a running deployment, its report and its verdict (as main's)."""
    if not LOAD_PYTHON.exists():
        print(f"{LOAD_PYTHON} is missing: run `make bench-journeys` (it installs requirements-bench.txt)",
              file=sys.stderr)
        return 1
    started, uptime = time.monotonic(), {"before": os.getloadavg()}
    out = Path(tempfile.mkdtemp(prefix="journeys-")) / "cluster.json"
    phase_cluster(cfg, args, out)
    results = {"cluster": json.loads(out.read_text())}
    shutil.rmtree(out.parent, ignore_errors=True)
    uptime["after"] = os.getloadavg()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    print(report(results, cfg, stamp, uptime, time.monotonic() - started))
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    name = f"journeys-cluster{'-smoke' if args.smoke else ''}-{stamp}"
    (out_dir / f"{name}.json").write_text(json.dumps(
        {"config": cfg, "uptime": uptime, "seconds": round(time.monotonic() - started), "results": results}, indent=2))
    print(f"written to bench-results/{name}.json")
    if args.out:  # for tests/cluster/
        args.out.write_text(json.dumps(results["cluster"]))
    reasons = failures(results["cluster"], args.smoke)
    for reason in reasons:
        print(f"FAILED (cluster): {reason}", file=sys.stderr)
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
