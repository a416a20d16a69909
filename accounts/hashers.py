"""Password hashing at OWASP's password-storage minimum for Argon2id, and no more: a login is
the busiest CPU step of a contest's opening minutes on a 2-core server."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id (Django's Argon2 hasher already uses the id variant) with m=19 MiB, t=2, p=1,
    OWASP Password Storage Cheat Sheet's first recommended configuration. Django's own defaults
    (m=100 MiB, p=8) cost several times as much for no gain a commune needs.

    Same algorithm name ("argon2") as Django's, so a hash made with other parameters still
    verifies and is rewritten with these at the next login (`must_update`)."""

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
