"""Personas every view test uses: organiser, unit manager, staff of unit A and of unit B,
resident, anonymous. The commune has two departments (A, B) and a village."""

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import UnitKind
from accounts.roles import Role
from tests.factories import PASSWORD, make_unit, make_user


def pytest_report_header(config) -> str:
    # Says in every run's log which database the suite really ran on (make test-pg sets DATABASE_URL).
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


def pytest_collection_modifyitems(config, items) -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run make test-pg")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def vietnamese():
    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Locmem storage outlives the settings change: without this, rate-limit counters leak between tests.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def commune(db):
    return make_unit("Xã Thử Nghiệm", kind=UnitKind.COMMUNE, headcount=100)


@pytest.fixture
def unit_a(commune):
    return make_unit("Phòng A", kind=UnitKind.DEPARTMENT, parent=commune, headcount=5)


@pytest.fixture
def unit_b(commune):
    return make_unit("Phòng B", kind=UnitKind.DEPARTMENT, parent=commune, headcount=5)


@pytest.fixture
def village(commune):
    return make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=50)


@pytest.fixture
def organiser(commune):
    return make_user(role=Role.ORGANISER, unit=commune, full_name="Trần Thị Tổ Chức")


@pytest.fixture
def manager_a(unit_a):
    return make_user(role=Role.UNIT_MANAGER, unit=unit_a, full_name="Lê Văn Quản Lý")


@pytest.fixture
def staff_a(unit_a):
    return make_user(role=Role.STAFF, unit=unit_a, full_name="Phạm Thị An")


@pytest.fixture
def staff_b(unit_b):
    return make_user(role=Role.STAFF, unit=unit_b, full_name="Võ Văn Bình")


@pytest.fixture
def resident(village):
    return make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn Dân", birth_year=1990)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.PhoneOrEmailBackend")
    return client


@pytest.fixture
def organiser_client(organiser):
    return _client_for(organiser)


@pytest.fixture
def manager_client(manager_a):
    return _client_for(manager_a)


@pytest.fixture
def staff_a_client(staff_a):
    return _client_for(staff_a)


@pytest.fixture
def staff_b_client(staff_b):
    return _client_for(staff_b)


@pytest.fixture
def resident_client(resident):
    return _client_for(resident)


@pytest.fixture
def password():
    return PASSWORD


# --- Rate limits: one limit lowered, a clock to move, the database cache ----------------------


@pytest.fixture
def rate_limit(settings):
    """rate_limit("register-address", 2) allows 2 events in that kind's window (seconds= to change
    the window too); settings.RATE_LIMITS is restored after the test."""
    def set_limit(kind: str, events: int, seconds: int | None = None) -> None:
        limits = dict(settings.RATE_LIMITS)
        limits[kind] = (events, seconds or limits[kind][1])
        settings.RATE_LIMITS = limits
    return set_limit


class Clock:
    """time.time() and timezone.now() frozen at `now`, moved by advance(); starts on a full hour
    (every window of the limits begins then) in the near future."""

    def __init__(self) -> None:
        import time

        self.start = float((int(time.time()) // 3600 + 1) * 3600)
        self.now = self.start

    def time(self) -> float:
        return self.now

    def datetime(self):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(self.now, tz=UTC)

    def at(self, seconds: float) -> None:
        """Move to `seconds` after the start."""
        self.now = self.start + seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import time

    from django.core.cache.backends import db as database_cache_module
    from django.utils import timezone

    frozen = Clock()
    monkeypatch.setattr(time, "time", frozen.time)
    monkeypatch.setattr(timezone, "now", frozen.datetime)
    # The database cache reads the time through its own name for timezone.now.
    monkeypatch.setattr(database_cache_module, "tz_now", frozen.datetime)
    return frozen


@pytest.fixture
def database_cache(settings, db):
    """The cache a fresh clone runs on (the database), instead of the suite's locmem."""
    from django.core.cache import cache
    from django.core.management import call_command

    settings.CACHES = {"default": settings.DATABASE_CACHE}
    call_command("createcachetable", verbosity=0)
    cache.clear()
