"""A phone's browser, as far as the server can tell (tests/bench/journeys.py): its own cookies,
the headers Chrome on Android and htmx send, the page's static files fetched once, redirects
followed one request at a time, every request timed. Behind the production nginx the app sees
X-Forwarded-Proto: https and X-Forwarded-For: the phone's address; the bench sends both, so the
secure cookies, the CSRF origin check and the address-keyed limits work as in production.

Runs in the load tool's own venv (var/bench-venv: aiohttp), never imports the project."""

from __future__ import annotations

import asyncio
import html
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import aiohttp

USER_AGENT = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/129.0.0.0 Mobile Safari/537.36")
_TAG = re.compile(r"<(/?)(form|input|button|fieldset|a|link|script|body|label|span|div)\b([^>]*)>", re.I | re.S)
_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""", re.S)


def attrs(raw: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(m[2] if m[2] is not None else m[3] if m[3] is not None else m[4] or "")
            for m in _ATTR.finditer(raw)}


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden and text inputs, as rendered
    choices: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # name -> (value, type, label)
    buttons: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Question:
    """A question fieldset of the attempt page and how htmx posts its answer."""

    post: str
    vals: dict[str, str]
    params: list[str]
    target: str
    element_id: str
    name: str
    choices: list[tuple[str, str]]  # (value, label text)


class Page:
    """The parts of a page a journey acts on, read with a few regular expressions (far cheaper
    than a full HTML parser: the load tool must leave the cores to the server)."""

    def __init__(self, url: str, status: int, text: str, location: str | None) -> None:
        self.url, self.status, self.text, self.location = url, status, text, location
        self.forms: list[Form] = []
        self.questions: list[Question] = []
        self.links: list[str] = []
        self.assets: list[str] = []
        self.body: dict[str, str] = {}
        self.hx_get: list[dict[str, str]] = []
        if text:
            self._read(text)

    def _read(self, text: str) -> None:
        form: Form | None = None
        question: Question | None = None
        pending_input: tuple[str, str, str] | None = None
        label_start = 0
        for match in _TAG.finditer(text):
            closing, tag, raw = match[1], match[2].lower(), match[3]
            if closing:
                if tag == "form":
                    form = None
                elif tag == "fieldset":
                    question = None
                elif tag == "label" and pending_input and form is not None:
                    label = re.sub(r"<[^>]+>", "", text[label_start:match.start()]).strip()
                    form.choices.setdefault(pending_input[0], []).append((pending_input[1], pending_input[2], label))
                    if question is not None:
                        question.choices.append((pending_input[1], html.unescape(label)))
                    pending_input = None
                continue
            a = attrs(raw)
            if tag == "form":
                form = Form(action=urljoin(self.url, a.get("action") or self.url),
                            method=a.get("method", "get").lower(), attrs=a)
                self.forms.append(form)
            elif tag == "fieldset" and "hx-post" in a:
                question = Question(post=urljoin(self.url, a["hx-post"]), vals=_json_dict(a.get("hx-vals", "{}")),
                                    params=[s.strip() for s in a.get("hx-params", "").split(",") if s.strip()],
                                    target=a.get("hx-target", "").lstrip("#"), element_id=a.get("id", ""),
                                    name="", choices=[])
                self.questions.append(question)
            elif tag == "input" and form is not None and "name" in a:
                kind = a.get("type", "text").lower()
                if kind in ("radio", "checkbox"):
                    pending_input = (a["name"], a.get("value", "on"), kind)
                    if question is not None:
                        question.name = a["name"]
                else:
                    form.fields.append((a["name"], a.get("value", "")))
            elif tag == "label":
                label_start = match.end()
            elif tag == "button" and form is not None:
                form.buttons.append((a.get("name", ""), a.get("value", "")))
            elif tag == "a" and "href" in a:
                self.links.append(urljoin(self.url, a["href"]))
            elif tag == "link" and a.get("rel") in ("stylesheet", "icon") and "href" in a:
                self.assets.append(urljoin(self.url, a["href"]))
            elif tag == "script" and "src" in a:
                self.assets.append(urljoin(self.url, a["src"]))
            elif tag == "body":
                self.body = a
            elif tag == "div" and "hx-get" in a:
                self.hx_get.append(a)

    def csrf_header(self) -> str:
        return _json_dict(self.body.get("hx-headers", "{}")).get("X-CSRFToken", "")

    def form_with(self, name: str) -> Form:
        for form in self.forms:
            if any(n == name for n, _ in form.fields) or name in form.choices:
                return form
        raise JourneyError(f"{self.url}: no form with a field {name!r}")

    def post_form(self, action_prefix: str | None = None) -> Form:
        """The first POST form (optionally: whose action starts with this path)."""
        for form in self.forms:
            wanted = action_prefix is None or urlsplit(form.action).path.startswith(action_prefix)
            if form.method == "post" and wanted and "logout" not in form.action and "i18n" not in form.action:
                return form
        raise JourneyError(f"{self.url}: no POST form{' to ' + action_prefix if action_prefix else ''}")

    def link(self, path_prefix: str, query: str = "") -> str:
        """The first link to a path under `path_prefix` (whose query has `query`, if given)."""
        for link in self.links:
            parts = urlsplit(link)
            if parts.path.startswith(path_prefix) and query in parts.query:
                return link
        raise JourneyError(f"{self.url}: no link to {path_prefix}{'?' + query if query else ''}")


def _json_dict(raw: str) -> dict[str, str]:
    import json

    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class JourneyError(Exception):
    """The page was not what a person would have seen (a refused form, a missing link)."""


@dataclass
class Sample:
    step: str
    started: float
    seconds: float
    status: int  # 0: no response (timeout, connection refused)
    error: str


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.acks: list[list] = []  # [attempt id, item id, positions, choice texts]
        self.errors: list[str] = []
        self.journeys: dict[str, int] = {}

    def error(self, message: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(message[:300])


class Browser:
    """One person's phone. `fetch` records one sample per request; a redirect is followed as a
    request of its own, named by the caller's `then` (what the person sees next)."""

    def __init__(self, session: aiohttp.ClientSession, base: str, ip: str, recorder: Recorder) -> None:
        self.session, self.base, self.ip, self.recorder = session, base.rstrip("/"), ip, recorder
        self.cookies: dict[str, str] = {}
        self.cached: set[str] = set()
        self.origin = "https://" + urlsplit(self.base).netloc

    def _headers(self, referer: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8",
                   "Accept-Encoding": "gzip, deflate", "X-Forwarded-Proto": "https", "X-Forwarded-For": self.ip,
                   "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if referer:
            headers["Referer"] = self._public(referer)
        return {**headers, **(extra or {})}

    def _public(self, url: str) -> str:
        """The URL as the phone sees it (https, through nginx)."""
        return self.origin + url[len(self.base):] if url.startswith(self.base) else url

    def _absolute(self, url: str) -> str:
        if url.startswith(self.origin):
            url = url[len(self.origin):]
        return url if url.startswith("http") else self.base + url

    async def fetch(self, step: str, method: str, url: str, *, data: list[tuple[str, str]] | None = None,
                    referer: str | None = None, headers: dict[str, str] | None = None,
                    expect: tuple[int, ...] = (200,)) -> Page:
        url = self._absolute(url)
        extra = dict(headers or {})
        body = None
        if method == "POST":
            extra.setdefault("Origin", self.origin)
            extra["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(data or [])
        started = time.perf_counter()
        status, text, location, error, content_type = 0, "", None, "", ""
        try:
            async with self.session.request(method, url, data=body, headers=self._headers(referer, extra),
                                            allow_redirects=False) as response:
                text = await response.text(errors="replace")
                status = response.status
                location = response.headers.get("Location")
                content_type = response.headers.get("Content-Type", "")
                for raw in response.headers.getall("Set-Cookie", []):
                    self._keep_cookie(raw)
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        except asyncio.CancelledError:  # the person was given up while waiting: a failed request too
            self.recorder.samples.append(Sample(step, started, time.perf_counter() - started, 0, "given up"))
            raise
        seconds = time.perf_counter() - started
        if not error and status not in expect:
            error = f"HTTP {status}, expected {expect}"
        self.recorder.samples.append(Sample(step, started, seconds, status, error))
        if error:
            self.recorder.error(f"{step} {method} {urlsplit(url).path}: {error}")
            raise JourneyError(error)
        page = Page(url, status, text if "html" in content_type else "",
                    urljoin(url, location) if location else None)
        if page.text:
            await self._assets(page)
        return page

    async def _assets(self, page: Page) -> None:
        """Static files the page links to, fetched once per phone (whitenoise's hashed names are
        cached for a year, as the browser's cache keeps them)."""
        for asset in page.assets:
            if asset in self.cached or "/static/" not in asset:
                continue
            self.cached.add(asset)
            await self.fetch("static", "GET", asset, referer=page.url)

    async def follow(self, page: Page, step: str, expect: tuple[int, ...] = (200,)) -> Page:
        if not page.location:
            raise JourneyError(f"{page.url}: expected a redirect, got {page.status}")
        return await self.fetch(step, "GET", page.location, referer=page.url, expect=expect)

    def htmx_headers(self, page: Page, target: str = "", trigger: str = "") -> dict[str, str]:
        headers = {"HX-Request": "true", "HX-Current-URL": self._public(page.url), "Accept": "*/*"}
        if target:
            headers["HX-Target"] = target
        if trigger:
            headers["HX-Trigger"] = trigger
        token = page.csrf_header()
        if token:
            headers["X-CSRFToken"] = token
        return headers

    def _keep_cookie(self, raw: str) -> None:
        jar = SimpleCookie()
        jar.load(raw)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.coded_value
