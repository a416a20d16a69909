"""Settings of `make bench`: production settings plus the hello-world baseline view, which lives
only in the bench's URLconf (tests/bench/urls.py), never in the production one."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

# Every virtual person reaches gunicorn from 127.0.0.1 but sends its own phone's address in
# X-Forwarded-For, as nginx in front would, and the bench runs with TRUSTED_PROXY_COUNT=1
# (journeys.py): the limits key on each person's address, as in production.
