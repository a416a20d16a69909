"""What each kind of person does on the site (tests/bench/journeys.py), step by step, as a phone's
browser does it: one `Person` per journey, a fresh account and phone each time. Runs in the load
tool's venv (var/bench-venv), under tests/bench/journeys_load.py."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from urllib.parse import urlsplit

from journeys_client import Browser, JourneyError, Page

CHANGE_MIND = 0.1  # a resident changes one answer in ten (the last acknowledged answer must stay)


class Stop(Exception):
    """The measurement's time is up: the person stops before the next action."""


class Person:
    def __init__(self, run, kind: str, account: str, deadline: float, think: float) -> None:
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
        then the page's own form (Save and continue, then on the last page Save and submit, which
        saves the page and goes to the submit page); returns the response that leaves the last
        page (a redirect)."""
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
            actions = [value for name, value in form.buttons if name == "action"]
            action = "next" if "next" in actions else "submit"
            if action not in actions:
                raise JourneyError(f"{page.url}: no button {action!r} among {form.buttons}")
            await self.think(0.3)
            data = [*form.fields, *chosen, ("action", action)]
            left = await self.b.fetch(self.step(f"{prefix}page post"), "POST", form.action, data=data,
                                      referer=page.url, expect=(302,))
            if action == "submit":
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
        # Save and submit → the engine's submit page → the contest's (the prediction first).
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
