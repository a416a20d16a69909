"""gunicorn settings for production and for `make bench`:

    gunicorn -c config/gunicorn.py config.wsgi [--workers N] [--bind HOST:PORT]

The application is loaded once in the master and its objects frozen out of the garbage collector
before the workers are forked. A worker's collections then walk only what its requests allocate,
not the whole of Django, and the shared pages stay shared (a collection would otherwise write to
every object it visits).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
preload_app = True
# The uploads the platform takes (question banks, staff sheets) are small; a request that takes
# longer than this is stuck, and its worker is replaced.
timeout = 60


def when_ready(server) -> None:
    # Runs in the master after the application is loaded, before any worker is forked.
    gc.freeze()
