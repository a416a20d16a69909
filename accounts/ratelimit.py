"""Fixed-window rate limits kept in the Django cache.

The cache is shared by every worker (database cache by default, Redis at scale), so a limit
holds across processes and servers; nothing lives in process memory.
"""

from __future__ import annotations

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for `key`; True while the window holds at most `limit` events.

    A refused event still counts, so hammering past the limit does not reopen it early.
    Windows are fixed (aligned on the clock), so a burst straddling a boundary can reach twice
    the limit: acceptable for abuse control, and it costs one cache key per window.
    """
    window = int(time.time() // window_seconds)
    # Hashed so any caller key (IPv6 colons, phone numbers, spaces) is a valid, short cache key
    # and no raw personal data sits in the cache.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{digest}:{window}"
    # add() only creates the counter; incr() is atomic on Redis and close enough on the DB cache.
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    """The address limits are keyed on. Resolved the way django-axes resolves it, so the one
    setting (AXES_CLIENT_IP_CALLABLE, for a reverse proxy) serves both the lockout and the limits."""
    return get_client_ip_address(request) or "unknown"


def client_fingerprint(request: HttpRequest) -> str:
    """A hash of the browser's User-Agent and Accept-Language. A weak signal: every phone of one
    model with the same browser version and language looks alike, and a cheat can change both.
    It only tells apart people behind one address (a village hall's Wi-Fi) and is never the
    sole ground for a flag: the shared-device detector needs the same address too."""
    raw = f"{request.headers.get('User-Agent', '')}\n{request.headers.get('Accept-Language', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
