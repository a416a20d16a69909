"""Saving an answer and submitting an attempt, answered without DRF when all is in order.

These are the quiz API's busiest requests: an answer for every tap on a choice, then a submit,
from every participant of a contest at once. For them, DRF's request wrapping, content
negotiation and rendering cost as much as the work itself (make bench, tests/bench/run.py). So
the common case (a token, a well-formed JSON body, a JSON answer wanted, a save or a submit that
succeeds) is handled here in plain Django, with the same services, the same token check and the
same output functions; anything else (a session cookie, an odd body, any refusal) goes to the DRF
view unchanged, which answers it as it always did. The URL still names the DRF view's class, so the
OpenAPI schema documents these endpoints as before, and tests hold the two paths' answers equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.json import strict_constant

from quizzes.api.authentication import TokenAuthentication, token_key
from quizzes.api.parsers import API_MAX_BODY_BYTES
from quizzes.api.serializers import MAX_ID, answer_input, answer_output, result_output, submit_input
from quizzes.services.attempts import AttemptNotFound, attempt_save_answer_with_token, attempt_submit, can_review
from quizzes.services.errors import QuizError

_NOT_JSON = object()
_RENDERER = JSONRenderer()


def _token_user(request: HttpRequest):
    """The person of the request's API token; None without one, or with a refused one (the DRF
    view then says why)."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found is not None else None


def _wants_plain_json(request: HttpRequest) -> bool:
    """Whether DRF's content negotiation would surely pick plain JSON: no format override in the
    query, and an Accept header that is absent, */* or application/json, without parameters
    (DRF indents for "; indent=4", shows a browser its browsable page, answers 406 to a type it
    cannot give)."""
    accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
    return not request.META.get("QUERY_STRING") and accept in ("*/*", "application/json")


def _json_body(request: HttpRequest):
    """The body as DRF's LimitedJSONParser would parse it, or _NOT_JSON when that parser might
    not (another type or charset, no declared length, too large, not strict JSON)."""
    if request.content_type != "application/json" or request.content_params.get("charset", "utf-8").lower() not in (
            "utf-8", "utf8"):
        return _NOT_JSON
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _NOT_JSON
    if not 0 < declared <= API_MAX_BODY_BYTES:
        return _NOT_JSON
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=strict_constant)
    except ValueError:  # includes bad UTF-8 and NaN/Infinity, which DRF refuses too
        return _NOT_JSON


def _render(data: dict) -> HttpResponse:
    # The bytes and headers DRF's Response would give (JSONRenderer; Allow and Vary as APIView sets
    # them for these POST-only views).
    response = HttpResponse(_RENDERER.render(data), content_type="application/json")
    response["Allow"] = "POST, OPTIONS"
    patch_vary_headers(response, ("Accept",))
    return response


def _or_drf(drf_view: Callable, handle: Callable[[HttpRequest, int], HttpResponse | None]) -> Callable:
    """A view that lets `handle` answer a POST, and the DRF view everything `handle` leaves
    (None). functools.wraps copies the DRF view's attributes (its class, csrf_exempt), so the
    schema generator and Django's CSRF check see the DRF view."""

    @wraps(drf_view)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method == "POST" and pk <= MAX_ID and _wants_plain_json(request):
            response = handle(request, pk)
            if response is not None:
                return response
        return drf_view(request, pk=pk)

    return view


def _save(request: HttpRequest, pk: int) -> HttpResponse | None:
    key = token_key(request)
    if key is None:
        return None
    answer = answer_input(_json_body(request))
    if answer is None:
        return None
    # The token checked, and the answer written, by one statement; when it writes nothing, the
    # DRF view works out why (attempt_save_answer) and answers the refusal.
    item = attempt_save_answer_with_token(token_key=key, attempt_id=pk, item_id=answer[0], choice_ids=answer[1])
    if item is None:
        return None
    return _render(answer_output(item))


def _submit(request: HttpRequest, pk: int) -> HttpResponse | None:
    user = _token_user(request)
    if user is None:
        return None
    body = _json_body(request) if request.META.get("CONTENT_LENGTH") not in (None, "", "0") else {}
    key = submit_input(body, request.headers.get("Idempotency-Key"))
    if key is None:
        return None
    try:
        finished = attempt_submit(attempt_id=pk, user=user, key=key)
    except (QuizError, AttemptNotFound):
        return None  # as above: submitting is idempotent
    return _render(result_output(finished, review=can_review(finished)))


def answer_save_view(drf_view: Callable) -> Callable:
    return _or_drf(drf_view, _save)


def attempt_submit_view(drf_view: Callable) -> Callable:
    return _or_drf(drf_view, _submit)
