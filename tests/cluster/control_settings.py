"""A control app server of tests/cluster/ (never deployed): the project's settings with the
sessions in the cache alone, the arrangement a Redis restart signs everyone out of. The cluster's
servers keep them in the database behind the cache (cached_db), which the check shows survives."""

from config.settings import *  # noqa: F403

SESSION_ENGINE = "django.contrib.sessions.backends.cache"
