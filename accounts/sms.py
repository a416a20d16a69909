"""Sending text messages (SMS), the way Django sends email: the setting `SMS_BACKEND` names a
class (dotted path), and `sms_send` hands it the message. No provider is reachable from this
project's machines, so it ships only the console backend, which writes the message to the
server's output and its log ("accounts.sms"), for development. Empty `SMS_BACKEND`: no text
messages at all; the pages that could send one show what they would have sent instead (the
officer's page shows a reset code once).

To plug in a provider (an SMS gateway of a Vietnamese carrier, a brand-name SMS service):
subclass `BaseSmsBackend` in a module of your own, implement `send_message`, read the provider's
credentials from settings or the environment in `__init__`, and set
`SMS_BACKEND=yourmodule.YourBackend`. `send_message` must raise `SmsError` when the provider
refuses or cannot be reached (the caller then falls back to showing the message), return once
the provider has accepted the message, and never log the text itself in production: it may hold
a password reset code.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("accounts.sms")


class SmsError(Exception):
    """The message could not be sent (refused, unreachable, misconfigured)."""


class BaseSmsBackend:
    """What a provider implements. `phone` is a normalised Vietnamese mobile number
    (0 + 9 digits, accounts.phones.normalise_phone); `text` is plain Unicode (Vietnamese with
    diacritics: a provider that needs GSM-7 or a length limit converts or refuses here)."""

    def send_message(self, *, phone: str, text: str) -> None:
        raise NotImplementedError("an SMS backend implements send_message(phone=..., text=...)")


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: the message goes to the server's output and to the "accounts.sms" log."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send_message(self, *, phone: str, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {phone}: {text}\n")
        stream.flush()
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> BaseSmsBackend | None:
    """The configured backend, or None when SMS_BACKEND is empty."""
    path = getattr(settings, "SMS_BACKEND", "")
    if not path:
        return None
    try:
        return import_string(path)()
    except ImportError as exc:
        raise SmsError(f"SMS_BACKEND {path!r} cannot be imported: {exc}") from exc


def sms_available() -> bool:
    return bool(getattr(settings, "SMS_BACKEND", ""))


def sms_send(*, phone: str, text: str) -> None:
    """Send one message through the configured backend; SmsError when none is configured or it
    failed."""
    backend = sms_backend()
    if backend is None:
        raise SmsError("no SMS_BACKEND is configured")
    backend.send_message(phone=phone, text=text)
