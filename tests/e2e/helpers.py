"""What every browser test uses: the accessibility check after each navigation, screenshots,
and the bookkeeping that makes a test fail if it visited a page without checking it."""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Violations at these levels fail a test; "moderate" and "minor" are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}


@cache
def _axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.exit(f"{AXE_JS.relative_to(ROOT)} is missing: run 'npm ci' (make test-e2e does).", 3)
    return AXE_JS.read_text()


@dataclass(eq=False)
class PageWatch:
    """What happened on a page: navigations (each must be followed by an accessibility check),
    server errors, missing static files and JavaScript errors."""

    navigations: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    javascript: bool = True

    def follow(self, page: Page, *, javascript: bool = True) -> None:
        _WATCHES[page] = self
        self.javascript = javascript

        def on_navigated(frame: Frame) -> None:
            if frame is page.main_frame and frame.url != "about:blank":
                self.navigations.append(frame.url)
                self.unchecked.append(frame.url)

        page.on("framenavigated", on_navigated)

    def checked(self) -> None:
        self.unchecked.clear()

    def assert_clean(self) -> None:
        problems = []
        if self.unchecked:
            problems.append(f"visited without assert_accessible(page): {self.unchecked}")
        if self.bad_responses:
            problems.append(f"bad responses: {self.bad_responses}")
        if self.console_errors:
            problems.append(f"JavaScript errors: {self.console_errors}")
        assert not problems, "; ".join(problems)


_WATCHES: weakref.WeakKeyDictionary[Page, PageWatch] = weakref.WeakKeyDictionary()

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def _axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n}}")
    return page.evaluate(_RUN_AXE)


def _axe_violations_of_a_page_without_javascript(page: Page) -> list[dict]:
    # axe.run needs promises and timers, which stop in a page whose scripts are disabled. So the
    # exact HTML the person got is served again, at the same address (same origin, so the same
    # stylesheets load) and viewport, to a scratch page with JavaScript on, and checked there.
    html, url = page.content(), page.url
    mirror_context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        mirror = mirror_context.new_page()
        mirror.route(lambda address: address == url,
                     lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        mirror.goto(url)
        return _axe_violations(mirror)
    finally:
        mirror_context.close()


def assert_accessible(page: Page) -> list[dict]:
    """Inject axe-core into the page as it is now and fail on any serious or critical violation.

    Returns the remaining (moderate, minor) violations so a test may look at them.
    """
    page.wait_for_load_state("load")
    watch = _WATCHES.get(page)
    if watch is not None and not watch.javascript:
        violations = _axe_violations_of_a_page_without_javascript(page)
    else:
        violations = _axe_violations(page)
    if watch is not None:
        watch.checked()
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n" + json.dumps(blocking, ensure_ascii=False, indent=2)
    return [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]


def check_page(page: Page, shots: Path, name: str) -> None:
    """Screenshot (whole page, for review at phone width) then the accessibility check."""
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    assert_accessible(page)


def label(text: str) -> re.Pattern[str]:
    """A field's whole label, with or without Django's ':' suffix ("Password" is not "Password again")."""
    return re.compile(rf"^\s*{re.escape(str(text))}\s*:?\s*$")
