"""Settings of `make bench`: production settings plus the hello-world baseline view, which lives
only in the bench's URLconf (tests/bench/urls.py), never in the production one."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
