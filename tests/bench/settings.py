"""Settings of `make bench`: production settings plus the hello-world baseline view, which lives
only in the bench's URLconf (tests/bench/urls.py), never in the production one."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

# Every virtual person of the journeys bench (journeys.py) reaches gunicorn from 127.0.0.1, and
# the address the app keys limits on is REMOTE_ADDR (django-ipware is not installed, so axes
# ignores X-Forwarded-For): without this the 61st start within ten minutes would be refused as
# one address's flood (contests/services.py, CONTEST_STARTS_PER_IP).
CONTEST_STARTS_PER_IP = 10**9
