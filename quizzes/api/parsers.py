"""JSON bodies with a size limit of their own.

DRF's parsers read the request stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB,
checked only by `request.body` and `request.POST`) never applies to them. A quiz answer is a few
hundred bytes: anything above API_MAX_BODY_BYTES is refused with 413 before it is parsed, whether
the client declared its length or sent it chunked.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

API_MAX_BODY_BYTES = 64 * 1024


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = _("The request body is too large (at most 64 KB).")


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > API_MAX_BODY_BYTES:
                raise RequestTooLarge()
        body = stream.read(API_MAX_BODY_BYTES + 1)
        if len(body) > API_MAX_BODY_BYTES:
            raise RequestTooLarge()
        try:
            return super().parse(BytesIO(body), media_type, parser_context)
        except ParseError:
            # DRF's message carries the decoder's English text; this one is translated.
            raise ParseError(_("The request body is not valid JSON.")) from None
