"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live_server, at a phone's viewport, and every page they visit is checked with
axe-core. Run with `make test-e2e`, in a pytest call of their own (see below).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

from tests.e2e.helpers import PageWatch

# Playwright's sync API keeps an event loop running in this thread, which makes Django's ORM
# refuse to run (SynchronousOnlyOperation) in the test and in live_server. Only this pytest call
# switches the check off: the rest of the suite runs in another call and keeps it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE_VIEWPORT = {"width": 360, "height": 740}


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's own base_url fixture trips a pytest 9 deprecation; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore:Session-scoped fixtures defined as instance methods")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _chromium() -> str:
    # The real binary, not Debian's /usr/bin/chromium wrapper script, whose stderr is noise.
    for candidate in (os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.exit("Chromium is missing: run 'apt-get install --no-install-recommends chromium' (make test-e2e does).", 3)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": _chromium(),
        # Headless as root on a machine with a closed network: no sandbox, no GPU, and nothing that
        # phones home (each blocked connection would otherwise be retried and logged).
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": PHONE_VIEWPORT, "locale": "vi-VN", "is_mobile": True,
            "has_touch": True}


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder, emptied first so a run leaves only its own pictures."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _watch(context: BrowserContext, watch: PageWatch) -> None:
    def on_response(response: Response) -> None:
        # A missing stylesheet or a server error on any request is a failure even if the page looks fine.
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            watch.bad_responses.append(f"{response.status} {response.request.method} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.console_errors.append(message.text)

    context.on("response", on_response)
    context.on("console", on_console)
    context.on("weberror", lambda error: watch.console_errors.append(str(error.error)))


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def context(new_context, page_watch: PageWatch) -> BrowserContext:
    context = new_context()
    _watch(context, page_watch)
    return context


@pytest.fixture
def page(context: BrowserContext, page_watch: PageWatch) -> Iterator[Page]:
    page = context.new_page()
    page_watch.follow(page)
    yield page
    page_watch.assert_clean()


@pytest.fixture
def page_without_js(new_context) -> Iterator[Page]:
    """A page with JavaScript switched off: what must still work is plain HTML forms and links."""
    watch = PageWatch()
    context = new_context(java_script_enabled=False)
    _watch(context, watch)
    page = context.new_page()
    watch.follow(page, javascript=False)
    yield page
    watch.assert_clean()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None,
                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """On SQLite, a test database in a file, as in production. Django's default for tests is an
    in-memory database in shared-cache mode, where a read in the test thread makes the server
    thread's write fail at once with "database table is locked" instead of waiting its turn
    (WAL and the busy timeout do not apply there): a browser test would fail by chance."""
    from django.conf import settings
    from django.db import connections

    if connections["default"].vendor == "sqlite":
        test_database = settings.DATABASES["default"].setdefault("TEST", {})
        test_database["NAME"] = str(tmp_path_factory.mktemp("db") / "e2e.sqlite3")


@pytest.fixture
def live(live_server, transactional_db) -> str:
    """The live server's base URL, with a database the server thread and the test both see."""
    return live_server.url
