import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_the_home_page_is_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_that_rate_limits_need(settings):
    from importlib import import_module
    from types import SimpleNamespace

    from django.db import connection

    migration = import_module("accounts.migrations.0002_create_cache_table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE cache_entries")
    assert "cache_entries" not in connection.introspection.table_names()
    # The suite runs on a local-memory cache; the migration works for the configured one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "cache_entries"}}
    migration.create_cache_table(None, SimpleNamespace(connection=connection))
    assert "cache_entries" in connection.introspection.table_names()
