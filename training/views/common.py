from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from training.errors import TrainingError


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
