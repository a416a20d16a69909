"""The load of the journeys bench (tests/bench/journeys.py), in the load tool's own venv: virtual
people walking the pages (tests/bench/journeys_client.py), and the measurements made with them.

    var/bench-venv/bin/python tests/bench/journeys_load.py PLAN.json RESULT.json
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import random
import resource
import sys
import time
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journeys_client import Browser, JourneyError, Recorder
from journeys_people import Person, Stop


class Run:
    def __init__(self, plan: dict, session: aiohttp.ClientSession) -> None:
        self.plan, self.session, self.base = plan, session, plan["base"]
        self.recorder = Recorder()
        self.accounts = {"resident": iter(plan["residents"]), "staff": iter(plan["staff"])}
        # The phones' addresses as nginx would forward them: the benchmarking range (RFC 2544),
        # header text only; every request goes to the server on loopback.
        self.addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())
        self.started: list[float] = []

    def account(self, kind: str) -> str:
        try:
            return next(self.accounts[kind])
        except StopIteration:
            raise SystemExit(f"the seed has too few {kind} accounts for this run") from None

    async def person(self, kind: str, deadline: float, think: float, once: bool, delay: float = 0.0,
                     poll: float = 15.0) -> None:
        await asyncio.sleep(delay)
        while time.monotonic() < deadline:
            if kind == "organiser":  # the same few organisers, in turn
                account = self.plan["organisers"].pop(0)
                self.plan["organisers"].append(account)
            else:
                account = self.account("staff" if kind == "civil servant" else kind)
            person = Person(self, kind, account, deadline, think)
            try:
                if kind == "resident":
                    await person.resident()
                elif kind == "civil servant":
                    await person.civil_servant()
                else:
                    await person.organiser(poll, polls=2 if once else None)
                self.recorder.journeys[kind] = self.recorder.journeys.get(kind, 0) + 1
            except Stop:
                return
            except JourneyError as exc:
                self.recorder.error(f"{kind} journey broke off: {exc}")
                self.recorder.journeys[f"{kind} broken"] = self.recorder.journeys.get(f"{kind} broken", 0) + 1
            if once:
                return


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(samples, started: float, ended: float) -> dict:
    steps: dict[str, dict] = {}
    for s in samples:
        steps.setdefault(s.step, []).append(s)
    table = {}
    for name, group in steps.items():
        ms = [s.seconds * 1000 for s in group]
        table[name] = {"n": len(group), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
                       "max_ms": max(ms), "errors": sum(1 for s in group if s.error),
                       "server_errors": sum(1 for s in group if s.status >= 500)}
    # The target's p95 leaves out static files and the login POSTs (a password hash each: PBKDF2 cost
    # ~320 ms until issue 13, Argon2id ~30 ms), so runs before and after the hasher compare; the
    # login's latency has its own line in every table.
    pages = [s.seconds * 1000 for s in samples if s.step != "static" and not s.step.endswith(": login")]
    with_logins = [s.seconds * 1000 for s in samples if s.step != "static"]
    return {"requests": len(samples), "rps": len(samples) / max(ended - started, 1e-9),
            "p95_ms": percentile(pages, 95), "p95_with_logins_ms": percentile(with_logins, 95),
            "errors": sum(1 for s in samples if s.error),
            "server_errors": sum(1 for s in samples if s.status >= 500), "steps": table}


class Meter:
    """CPU seconds of the load tool itself and of the server's processes over a phase: gunicorn
    (each master and its workers), and, against a cluster (journeys.py --base-url), the database's
    and nginx's processes too, each group apart."""

    def __init__(self, plan: dict, recorder: Recorder) -> None:
        self.recorder = recorder
        self.groups = {"server": plan.get("server_pids") or [plan["server_pid"]],
                       "database": plan.get("database_pids", []), "proxy": plan.get("proxy_pids", [])}

    @staticmethod
    def _cpu(pids: list[int]) -> float:
        total = 0.0
        for pid in pids:
            try:
                parent = psutil.Process(pid)
                processes = [parent, *parent.children(recursive=True)]
                # What the children that have ended used (PostgreSQL's backends of closed
                # connections, gunicorn's replaced workers), once their parent reaped them.
                reaped = parent.cpu_times()
                total += reaped.children_user + reaped.children_system
            except psutil.NoSuchProcess:  # a server killed during the run
                continue
            for process in processes:
                try:
                    times = process.cpu_times()
                    total += times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        return total

    def _all(self) -> dict[str, float]:
        return {name: self._cpu(pids) for name, pids in self.groups.items()}

    def __enter__(self) -> Meter:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.t0, self.tool0, self.cpu0 = time.monotonic(), usage.ru_utime + usage.ru_stime, self._all()
        return self

    def __exit__(self, *exc) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.monotonic() - self.t0
        tool = usage.ru_utime + usage.ru_stime - self.tool0
        cpu = {name: seconds - self.cpu0[name] for name, seconds in self._all().items()}
        requests = max(1, len(self.recorder.samples))
        # Behind the cluster's nginx the static files never reach an app server: per page too.
        pages = max(1, sum(1 for sample in self.recorder.samples if sample.step != "static"))
        self.result = {"wall_s": round(wall, 1), "tool_cpu_s": round(tool, 2), "tool_cores": round(tool / wall, 2),
                       "load_average": [round(x, 2) for x in os.getloadavg()]}
        for name, seconds in cpu.items():
            if name != "server" and not self.groups[name]:
                continue
            self.result.update({f"{name}_cpu_ms_per_request": round(1000 * seconds / requests, 1),
                                f"{name}_cpu_ms_per_page": round(1000 * seconds / pages, 1),
                                f"{name}_cpu_s": round(seconds, 2), f"{name}_cores": round(seconds / wall, 2)})


async def people(run: Run, counts: dict[str, int], seconds: float, think: float, once: bool = False,
                 poll: float = 15.0) -> dict:
    """Run these many virtual people of each kind for `seconds` (their starts spread over the
    first third, so that they do not all log in at once); the step's summary."""
    run.recorder.samples = []
    before = dict(run.recorder.journeys)
    started = time.monotonic()
    deadline = started + seconds
    spread = min(seconds / 3, 20 * think)
    tasks = [run.person(kind, deadline, think, once, delay=random.uniform(0, spread), poll=poll)
             for kind, n in counts.items() for _ in range(n)]
    await asyncio.gather(*tasks)
    result = summary(run.recorder.samples, started, time.monotonic())
    result["journeys_done"] = {k: v - before.get(k, 0) for k, v in run.recorder.journeys.items()
                               if v - before.get(k, 0) and k != "organiser"}
    return result


async def hello(run: Run, seconds: float, connections: int = 8) -> dict:
    run.recorder.samples = []
    deadline = time.monotonic() + seconds
    browsers = [Browser(run.session, run.base, next(run.addresses), run.recorder) for _ in range(connections)]

    async def loop(b: Browser) -> None:
        while time.monotonic() < deadline:
            await b.fetch("hello (baseline)", "GET", run.plan["urls"]["hello"])

    started = time.monotonic()
    await asyncio.gather(*(loop(b) for b in browsers))
    return summary(run.recorder.samples, started, time.monotonic())


async def logins(run: Run, seconds: float, concurrency: int = 4) -> dict:
    """Back-to-back logins (login page, then the form posted) from `concurrency` phones."""
    run.recorder.samples = []
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        while time.monotonic() < deadline:
            person = Person(run, "login", run.account("resident"), deadline + 60, 0.0)
            page = await person.b.fetch(person.step("login page"), "GET", run.plan["urls"]["login"])
            await person.login(page)

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    ended = time.monotonic()
    result = summary(run.recorder.samples, started, ended)
    result["logins_per_s"] = result["steps"].get("login: login", {}).get("n", 0) / (ended - started)
    return result


async def surge(run: Run, count: int, window: float) -> dict:
    """`count` residents arriving at random within `window` seconds, each logging in and
    starting at once (no think time): the Monday-morning Zalo message."""
    run.recorder.samples, run.started = [], []
    started = time.monotonic()

    async def one(delay: float) -> None:
        await asyncio.sleep(delay)
        person = Person(run, "resident", run.account("resident"), started + 3600, 0.0)
        try:
            await person.resident(surge=True)
        except (JourneyError, Stop) as exc:
            run.recorder.error(f"surge: {exc}")

    # Bounded: past the window and one request timeout the people still waiting are given up
    # (their requests cancelled), so that a server far below the surge does not stretch the run.
    tasks = [asyncio.create_task(one(random.uniform(0, window))) for _ in range(count)]
    _done, waiting = await asyncio.wait(tasks, timeout=window + run.plan["run"]["request_timeout"])
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    ended = time.monotonic()
    result = summary(run.recorder.samples, started, ended)
    result.update(count=count, window_s=window, started=len(run.started),
                  started_within_window=sum(1 for t in run.started if t - started <= window), given_up=len(waiting),
                  last_start_s=round(max(run.started) - started, 1) if run.started else None,
                  logins_per_s=result["steps"].get("resident: login", {}).get("n", 0) / (ended - started))
    return result


def passes(step: dict, p95_target: float) -> bool:
    return step["errors"] == 0 and step["p95_ms"] < p95_target


async def main(plan: dict, out: Path) -> None:
    cfg = plan["run"]
    timeout = aiohttp.ClientTimeout(total=cfg["request_timeout"])
    # A cluster's nginx shows a throwaway self-signed certificate: not verified.
    connector = aiohttp.TCPConnector(limit=0, force_close=True, ssl=not plan["base"].startswith("https"))
    results: dict = {"config": cfg}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar(),
                                     auto_decompress=True) as session:
        run = Run(plan, session)
        with Meter(plan, run.recorder) as whole:
            await hello(run, 1)  # warm-up: both workers have served, templates are compiled
            with Meter(plan, run.recorder) as m:
                results["hello"] = await hello(run, cfg["hello_seconds"])
            results["hello"]["cpu"] = m.result
            with Meter(plan, run.recorder) as m:
                results["logins"] = await logins(run, cfg["login_seconds"])
            results["logins"]["cpu"] = m.result
            results["levels"] = []
            tried: dict[int, bool] = {}
            level, good, bad = cfg["levels"][0], 0, None
            while level and len(tried) < cfg["max_levels"]:
                counts = {"resident": level, "civil servant": max(1, round(level * cfg["staff_ratio"])),
                          "organiser": cfg["organisers"]}
                with Meter(plan, run.recorder) as m:
                    step = await people(run, counts, cfg["level_seconds"], cfg["think"], once=cfg["once"],
                                        poll=cfg["organiser_poll"])
                step.update(level=level, people=counts, cpu=m.result, passed=passes(step, cfg["p95_target_ms"]),
                            equivalent=round(level * 60 / cfg["think"]))
                results["levels"].append(step)
                print(f"  {level:4d} residents (≈ {step['equivalent']:,} at 60 s think): p95 {step['p95_ms']:.0f} ms, "
                      f"{step['errors']} errors, {step['rps']:.0f} req/s, server {m.result['server_cores']} cores, "
                      f"tool {m.result['tool_cores']} cores", flush=True)
                tried[level] = step["passed"]
                if step["passed"]:
                    good = max(good, level)
                else:
                    bad = level if bad is None else min(bad, level)
                level = next_level(cfg["levels"], tried, good, bad)
                await asyncio.sleep(2)  # the queue drains between levels
            results["best_level"] = max((lv for lv, ok in tried.items() if ok), default=0)
            with Meter(plan, run.recorder) as m:
                results["surge"] = await surge(run, cfg["surge"], cfg["surge_window"])
            results["surge"]["cpu"] = m.result
        results["tool"] = whole.result
        results["journeys"], results["errors"] = run.recorder.journeys, run.recorder.errors
        results["acks"] = run.recorder.acks
        results["spare_resident"] = run.account("resident")
    out.write_text(json.dumps(results))


def next_level(levels: list[int], tried: dict[int, bool], good: int, bad: int | None) -> int | None:
    """The preset levels while they pass; after the first failure, halve the gap twice."""
    if bad is None:
        return next((lv for lv in levels if lv not in tried), None)
    middle = (good + bad) // 2
    if bad - good <= max(2, bad // 8) or middle in tried:
        return None
    return middle


if __name__ == "__main__":
    plan_path, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    asyncio.run(main(json.loads(plan_path.read_text()), out_path))
