"""Rate limits kept in the Django cache, and the person's address they key on.

The cache is shared by every worker (database cache by default, Redis at scale), so a limit
holds across processes and servers; nothing lives in process memory.

Named limits (`settings.RATE_LIMITS`, one place for every number) are what the apps call:

    limit_check("reset-code-account", user.phone)          # counts; raises RateLimited (429) when over
    limit_check("reset-code-address", client_ip(request))
    if not limit_hit("contest-start-address", address): ...  # counts; False when over
    if limit_reached("login-failure-account", login): ...    # only looks, counts nothing

A key is whatever identifies the account or the address (a phone, an email, client_ip()); it is
hashed before it reaches the cache. For kinds ending in "-address", an IPv6 address counts as
its /64, the block one phone or one home is given, so a client cannot step through its own block
to get a fresh limit. To add a kind: an entry in RATE_LIMITS (with its environment variable if
organisers may tune it) and a row in the README's Configuration table.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import router, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.errors import DomainError


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many tries in a short time. Please wait a few minutes and try again.")


def limit_check(kind: str, key: str | None) -> None:
    """Count one event of `kind` for `key`; raise RateLimited once the window holds more events
    than RATE_LIMITS[kind] allows."""
    if not limit_hit(kind, key):
        raise RateLimited()


def limit_hit(kind: str, key: str | None) -> bool:
    """Count one event of `kind` for `key`; True while within the limit."""
    limit, window_seconds = settings.RATE_LIMITS[kind]
    return hit(_limit_key(kind, key), limit=limit, window_seconds=window_seconds)


def limit_reached(kind: str, key: str | None) -> bool:
    """True when the window already holds as many events as the limit allows, so the next one
    would be refused. Counts nothing (the login checks this before the password, and counts only
    the failures)."""
    limit, window_seconds = settings.RATE_LIMITS[kind]
    return _count_seen(_limit_key(kind, key), window_seconds) >= limit


def _limit_key(kind: str, key: str | None) -> str:
    key = key or "unknown"
    if kind.endswith("-address"):
        key = _network(key)
    return f"{kind}:{key}"


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for `key`; True while the window holds at most `limit` events.

    Windows are fixed, aligned on the clock (an hour's window runs from 10:00:00 to 10:59:59),
    each counted under its own cache key that expires when the window ends, however long the
    key stays idle. A refused event still counts. A burst straddling a boundary can reach twice
    the limit: acceptable for abuse control, and it costs one cache entry per window.
    """
    cache_key, expires_in = _window(key, window_seconds)
    return _count_one(cache_key, expires_in) <= limit


def _window(key: str, window_seconds: int) -> tuple[str, int]:
    now = time.time()
    window = int(now // window_seconds)
    # Hashed so any caller key (IPv6 colons, phone numbers, spaces) is a valid, short cache key
    # and no raw personal data sits in the cache.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{digest}:{window}", max(1, math.ceil((window + 1) * window_seconds - now))


def _count_seen(key: str, window_seconds: int) -> int:
    cache_key, _expires_in = _window(key, window_seconds)
    return caches["default"].get(cache_key) or 0


def _count_one(cache_key: str, expires_in: int) -> int:
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        # Redis (and locmem): add() and incr() are atomic, and incr() keeps the entry's expiry.
        if cache.add(cache_key, 1, timeout=expires_in):
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:  # the window's entry expired between add() and incr()
            cache.set(cache_key, 1, timeout=expires_in)
            return 1
    # The database cache's incr() is a read then a set() with the default timeout (300 s): an
    # hour's counter would vanish after five idle minutes. So the count is written with the
    # window's own expiry, read and written in one transaction. On SQLite every transaction
    # takes the write lock at BEGIN (IMMEDIATE), so workers count one after another; on
    # PostgreSQL two requests at the same instant may count once, which is why several servers
    # use Redis (README, Configuration).
    with transaction.atomic(using=router.db_for_write(cache.cache_model_class)):
        count = (cache.get(cache_key) or 0) + 1
        cache.set(cache_key, count, timeout=expires_in)
    return count


def client_ip(request: HttpRequest) -> str | None:
    """The person's address: the one source for rate limits, the login lockout (django-axes calls
    it through AXES_CLIENT_IP_CALLABLE) and the address an attempt records.

    With TRUSTED_PROXY_COUNT = 0 the peer of the connection (REMOTE_ADDR) is the person, and
    X-Forwarded-For is ignored: anybody can write that header. With N trusted proxies in front,
    each appends the address it received the request from, so the N-th entry from the right is
    the one the outermost proxy saw; entries further left were written by the client and prove
    nothing. A header shorter than N, or an entry that is not an IP address, falls back to
    REMOTE_ADDR (the nearest proxy's address: one shared bucket, never an address the client
    chose). None only when REMOTE_ADDR itself is not an address (no real server sends that).
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < count:
        return remote
    return _address(chain[-count]) or remote


def _address(raw: str) -> str | None:
    """`raw` as a canonical IP address, or None. An IPv4 address written the IPv6 way
    (::ffff:203.0.113.7, as a dual-stack socket reports it) is the IPv4 address, so one phone has
    one spelling."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_fingerprint(request: HttpRequest) -> str:
    """A hash of the browser's User-Agent and Accept-Language. A weak signal: every phone of one
    model with the same browser version and language looks alike, and a cheat can change both.
    It only tells apart people behind one address (a village hall's Wi-Fi) and is never the
    sole ground for a flag: the shared-device detector needs the same address too."""
    raw = f"{request.headers.get('User-Agent', '')}\n{request.headers.get('Accept-Language', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
