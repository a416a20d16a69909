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
from urllib.parse import urlsplit

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journeys_client import Browser, JourneyError, Page, Recorder

CHANGE_MIND = 0.1  # a resident changes one answer in ten (the last acknowledged answer must stay)


class Stop(Exception):
    """The measurement's time is up: the person stops before the next action."""


class Person:
    def __init__(self, run: Run, kind: str, account: str, deadline: float, think: float) -> None:
        self.run, self.kind, self.account, self.deadline, self.mean_think = run, kind, account, deadline, think
        self.rng = random.Random(account)
        self.b = Browser(run.session, run.base, next(run.addresses), run.recorder)
        self.plan, self.urls = run.plan, run.plan["urls"]

    async def think(self, factor: float = 1.0) -> None:
        """Moodle's think time (30-90 s, mean 60 s) compressed to mean `mean_think`."""
        pause = self.rng.uniform(0.5, 1.5) * self.mean_think * factor
        if time.monotonic() + pause > self.deadline:
            raise Stop
        await asyncio.sleep(pause)

    def step(self, name: str) -> str:
        return f"{self.kind}: {name}"

    async def login(self, page: Page) -> Page:
        """The login form as shown (csrf token, next), filled in and posted; the redirect is returned."""
        await self.think()
        form = page.form_with("username")
        data = [(n, v) for n, v in form.fields if n not in ("username", "password")]
        data += [("username", self.account), ("password", self.plan["password"])]
        return await self.b.fetch(self.step("login"), "POST", form.action, data=data, referer=page.url, expect=(302,))

    async def answer_pages(self, page: Page, prefix: str, pick) -> Page:
        """Every page of an open attempt: one htmx save per answer, as _question.html posts it,
        then the page's own form (Save and continue / Save and review); returns the response that
        leaves the last page (a redirect)."""
        while True:
            chosen: list[tuple[str, str]] = []
            for q in page.questions:
                final = pick(q)
                others = [c for c in q.choices if c != final]
                # A change of mind: another choice first (a radio's change event needs a new value).
                picks = [self.rng.choice(others), final] if others and self.rng.random() < CHANGE_MIND else [final]
                for value, label in picks:
                    await self.think()
                    vals = {**q.vals, q.name: value}
                    data = [(n, vals[n]) for n in q.params if n in vals]
                    saved = await self.b.fetch(self.step(f"{prefix}save"), "POST", q.post, data=data, referer=page.url,
                                               headers=self.b.htmx_headers(page, q.target, q.element_id))
                    if "errorlist" in saved.text:
                        raise JourneyError(f"save refused: {saved.text[:200]}")
                    attempt = int(urlsplit(q.post).path.rstrip("/").split("/")[-2])
                    self.run.recorder.acks.append([attempt, int(q.vals["item"]), [int(value)], [label]])
                chosen.append((q.name, final[0]))
            form = page.form_with("key")
            buttons = dict(form.buttons)
            action = "next" if "next" in buttons.values() else "review"
            await self.think(0.3)
            data = [*form.fields, *chosen, ("action", action)]
            left = await self.b.fetch(self.step(f"{prefix}page post"), "POST", form.action, data=data,
                                      referer=page.url, expect=(302,))
            if action == "review":
                return left
            page = await self.b.follow(left, self.step(f"{prefix}attempt page"))

    async def resident(self, surge: bool = False) -> None:
        u = self.urls
        page = await self.b.fetch(self.step("contest"), "GET", u["contest"])
        if not surge:
            await self.think()
        page = await self.b.fetch(self.step("login page"), "GET", page.link(u["login"], "next="), referer=page.url)
        page = await self.b.follow(await self.login(page), self.step("round start page"))
        await self.think()
        started = await self.b.fetch(self.step("start"), "POST", page.post_form().action,
                                     data=page.post_form().fields, referer=page.url, expect=(302,))
        if surge:  # started: the attempt exists and its deadline runs
            self.run.started.append(time.monotonic())
        page = await self.b.follow(started, self.step("attempt page"))
        if surge:
            return
        left = await self.answer_pages(page, "", lambda q: self.rng.choice(q.choices))
        # Save and review → the engine's submit page → the contest's (the prediction first).
        page = await self.b.follow(left, self.step("submit (engine's redirect)"), expect=(302,))
        page = await self.b.follow(page, self.step("submit page"))
        form = page.form_with("prediction")
        await self.think()
        data = [(n, v) for n, v in form.fields if n != "prediction"] + [("prediction", str(self.rng.randint(50, 5000)))]
        done = await self.b.fetch(self.step("submit"), "POST", form.action, data=data, referer=page.url, expect=(302,))
        page = await self.b.follow(done, self.step("result"))
        await self.think()
        page = await self.b.fetch(self.step("leaderboard"), "GET", page.link(u["leaderboard"]), referer=page.url)
        # The person watches the leaderboard for a while: htmx polls it every 15 s (compressed).
        poll = next((d for d in page.hx_get if d.get("id") == "leaderboard"), None)
        for _ in range(round(self.rng.uniform(0.5, 1.5) * 60 / 15) if poll else 0):
            await self.think(15 / 60)
            await self.b.fetch(self.step("leaderboard poll"), "GET", poll["hx-get"], referer=page.url,
                               headers=self.b.htmx_headers(page, "leaderboard", "leaderboard"))

    async def civil_servant(self) -> None:
        u = self.urls
        page = await self.b.fetch(self.step("to-do (to login)"), "GET", u["training"], expect=(302,))
        page = await self.b.follow(page, self.step("login page"))
        page = await self.b.follow(await self.login(page), self.step("to-do list"))
        await self.think()
        page = await self.b.fetch(self.step("module"), "GET", page.link(u["module"]), referer=page.url)
        lesson = next(link for link in page.links if urlsplit(link).path.startswith(u["module"])
                      and len(urlsplit(link).path) > len(u["module"]))
        while True:
            await self.think()
            page = await self.b.fetch(self.step("lesson"), "GET", lesson, referer=page.url)
            await self.think(2.0)  # reading takes longer than answering
            form = page.post_form(urlsplit(page.url).path)
            fragment = await self.b.fetch(self.step("mark read (htmx)"), "POST", form.attrs.get("hx-post", form.action),
                                          data=form.fields, referer=page.url,
                                          headers=self.b.htmx_headers(page, "lesson-progress"))
            fragment.url = page.url
            here = {urlsplit(page.url).path, u["module"]}
            following = [link for link in fragment.links
                         if urlsplit(link).path.startswith(u["module"]) and urlsplit(link).path not in here]
            if not following:
                break
            lesson = following[0]
        await self.think()
        page = await self.b.fetch(self.step("quiz page"), "GET", fragment.link(u["quiz"]), referer=page.url)
        await self.think()
        started = await self.b.fetch(self.step("quiz start"), "POST", page.post_form().action,
                                     data=page.post_form().fields, referer=page.url, expect=(302,))
        page = await self.b.follow(started, self.step("quiz attempt page"))
        left = await self.answer_pages(page, "quiz ", self.right_choice)
        page = await self.b.follow(left, self.step("quiz submit page"))
        form = page.form_with("key")
        await self.think()
        done = await self.b.fetch(self.step("quiz submit"), "POST", form.action, data=form.fields, referer=page.url,
                                  expect=(302,))
        page = await self.b.follow(done, self.step("quiz result"))
        await self.think()
        page = await self.b.fetch(self.step("module (certificate)"), "GET", u["module"], referer=page.url)
        await self.b.fetch(self.step("certificate PDF"), "GET", page.link(u["certificate_prefix"]), referer=page.url)

    def right_choice(self, q) -> tuple[str, str]:
        """A civil servant who read the lessons: the right answer, found by its text."""
        for value, label in q.choices:
            if label == self.plan["right_choice"]:
                return value, label
        raise JourneyError(f"no choice {self.plan['right_choice']!r} among {q.choices}")

    async def organiser(self, poll_seconds: float, polls: int | None = None) -> None:
        """Not compressed: the few organisers are real people, keeping their pages open and
        reloading them every `poll_seconds` (the leaderboard's own poll interval)."""
        u = self.urls
        page = await self.b.fetch(self.step("participation (to login)"), "GET", u["participation"], expect=(302,))
        page = await self.b.follow(page, self.step("login page"))
        self.mean_think = 0.5
        await self.b.follow(await self.login(page), self.step("participation"))
        for _ in itertools.count() if polls is None else range(polls):
            self.mean_think = poll_seconds
            await self.think()
            await self.b.fetch(self.step("participation"), "GET", u["participation"])
            page = await self.b.fetch(self.step("dashboard"), "GET", u["dashboard"])
            for div in page.hx_get:  # hx-trigger="load" parts of the page
                await self.b.fetch(self.step("dashboard part (htmx)"), "GET", div["hx-get"], referer=page.url,
                                   headers=self.b.htmx_headers(page, div.get("id", ""), div.get("id", "")))


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
    # The target's p95 leaves out static files and the login POSTs: a login is ~320 ms of PBKDF2 by
    # itself (another issue changes the hasher); its latency has its own line in every table.
    pages = [s.seconds * 1000 for s in samples if s.step != "static" and not s.step.endswith(": login")]
    with_logins = [s.seconds * 1000 for s in samples if s.step != "static"]
    return {"requests": len(samples), "rps": len(samples) / max(ended - started, 1e-9),
            "p95_ms": percentile(pages, 95), "p95_with_logins_ms": percentile(with_logins, 95),
            "errors": sum(1 for s in samples if s.error),
            "server_errors": sum(1 for s in samples if s.status >= 500), "steps": table}


class Meter:
    """CPU seconds of the load tool itself and of gunicorn (master and workers) over a phase."""

    def __init__(self, server_pid: int, recorder: Recorder) -> None:
        self.server, self.recorder = psutil.Process(server_pid), recorder

    def _server_cpu(self) -> float:
        total = 0.0
        for process in [self.server, *self.server.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def __enter__(self) -> Meter:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.t0, self.tool0, self.server0 = time.monotonic(), usage.ru_utime + usage.ru_stime, self._server_cpu()
        return self

    def __exit__(self, *exc) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.monotonic() - self.t0
        tool, server = usage.ru_utime + usage.ru_stime - self.tool0, self._server_cpu() - self.server0
        self.result = {"wall_s": round(wall, 1), "tool_cpu_s": round(tool, 2), "tool_cores": round(tool / wall, 2),
                       "server_cpu_ms_per_request": round(1000 * server / max(1, len(self.recorder.samples)), 1),
                       "server_cpu_s": round(server, 2), "server_cores": round(server / wall, 2),
                       "load_average": [round(x, 2) for x in os.getloadavg()]}


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
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    results: dict = {"config": cfg}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar(),
                                     auto_decompress=True) as session:
        run = Run(plan, session)
        with Meter(plan["server_pid"], run.recorder) as whole:
            await hello(run, 1)  # warm-up: both workers have served, templates are compiled
            with Meter(plan["server_pid"], run.recorder) as m:
                results["hello"] = await hello(run, cfg["hello_seconds"])
            results["hello"]["cpu"] = m.result
            with Meter(plan["server_pid"], run.recorder) as m:
                results["logins"] = await logins(run, cfg["login_seconds"])
            results["logins"]["cpu"] = m.result
            results["levels"] = []
            tried: dict[int, bool] = {}
            level, good, bad = cfg["levels"][0], 0, None
            while level and len(tried) < cfg["max_levels"]:
                counts = {"resident": level, "civil servant": max(1, round(level * cfg["staff_ratio"])),
                          "organiser": cfg["organisers"]}
                with Meter(plan["server_pid"], run.recorder) as m:
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
            with Meter(plan["server_pid"], run.recorder) as m:
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
