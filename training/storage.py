"""Lesson attachments live outside MEDIA_ROOT, so no web server or DEBUG static route can serve
them by URL: only the attachment view, which checks that the person may read the lesson."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self) -> str:
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private-media")

    def url(self, name: str | None) -> str:
        # No public address exists; links go through training:lesson_attachment.
        return ""


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
