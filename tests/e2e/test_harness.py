"""The browser harness itself: the accessibility check really fails on a serious violation, and a
test that visits a page without checking it fails too. Without these, a green run proves little."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import PageWatch, assert_accessible

BROKEN = """<!doctype html><html lang="vi"><head><title>Hỏng</title></head><body><main>
<h1>Trang hỏng</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
</main></body></html>"""


def _serve(page: Page, url: str, html: str) -> None:
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))


def test_the_accessibility_check_fails_on_an_unnamed_button_and_an_image_without_text(page: Page, live: str):
    _serve(page, live + "/broken/", BROKEN)
    page.goto(live + "/broken/")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    assert "button-name" in str(failure.value)
    assert "image-alt" in str(failure.value)


def test_the_accessibility_check_also_runs_on_pages_without_javascript(page_without_js: Page, live: str):
    page = page_without_js
    _serve(page, live + "/broken/", BROKEN)
    page.goto(live + "/broken/")

    with pytest.raises(AssertionError, match="button-name"):
        assert_accessible(page)


def test_a_page_visited_without_an_accessibility_check_is_reported(page: Page, page_watch: PageWatch, live: str):
    page.goto(live + "/")

    with pytest.raises(AssertionError, match="visited without assert_accessible"):
        page_watch.assert_clean()

    assert_accessible(page)
    page_watch.assert_clean()


def test_on_sqlite_the_server_and_the_test_share_a_database_file_that_waits_for_its_lock(live: str):
    """The server thread writes while the test reads: that only works reliably on a file with WAL and
    a busy timeout, as in production (see django_db_modify_db_settings in conftest.py)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has an in-memory test database")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    assert not connection.is_in_memory_db()
    assert (journal_mode, busy_timeout) == ("wal", 20000)
