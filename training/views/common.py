from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from training.errors import TrainingError
from training.models import LessonImage


def training_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refused training rule becomes a page that says why, with the rule's status (404 for
    what the person may not see, 409 for an order not followed), never a bare error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except TrainingError as exc:
            return render(request, "training/refused.html", {"message": exc.message}, status=exc.status)

    return wrapper


def image_response(image: LessonImage) -> FileResponse:
    """An image shown in the page. Its type was sniffed on upload (never SVG), and the browser is
    told not to guess another."""
    try:
        handle = image.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
