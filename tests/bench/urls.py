import random

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from accounts import rows
from config.urls import urlpatterns as production_urlpatterns
from quizzes.models import Attempt, AttemptQuestion


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: a Django view doing nothing, behind the same middleware as every page."""
    return HttpResponse("Hello, world", content_type="text/plain")


# The floors: the writes that a save and a submit cannot do without, and nothing else (no token,
# no body, no checks, no answer), behind the same middleware and, on PostgreSQL, Django's
# connection health check, as every request that uses the database has.


def one_item_written(request: HttpRequest, first: int, last: int) -> HttpResponse:
    """A save's least work: one attempt item (any of first…last) written, found by its key."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {rows.table(AttemptQuestion)} SET {rows.column(AttemptQuestion, 'selected')} = %s, "  # noqa: S608
            f"{rows.column(AttemptQuestion, 'answered_at')} = %s WHERE {rows.column(AttemptQuestion, 'id')} = %s",
            [rows.param(AttemptQuestion, "selected", []), rows.param(AttemptQuestion, "answered_at", timezone.now()),
             random.randint(first, last)],
        )
    return HttpResponse("ok", content_type="text/plain")


def one_attempt_graded(request: HttpRequest, first: int, last: int) -> HttpResponse:
    """A submit's least work: in one transaction, every item of an attempt (any of first…last)
    marked and the attempt's row written, each found by its key."""
    attempt = random.randint(first, last)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {rows.table(AttemptQuestion)} SET {rows.column(AttemptQuestion, 'is_correct')} = %s "  # noqa: S608
            f"WHERE {rows.column(AttemptQuestion, 'attempt')} = %s", [False, attempt],
        )
        cursor.execute(
            f"UPDATE {rows.table(Attempt)} SET {rows.column(Attempt, 'score')} = %s, "  # noqa: S608
            f"{rows.column(Attempt, 'submitted_at')} = %s WHERE {rows.column(Attempt, 'id')} = %s",
            [0, rows.param(Attempt, "submitted_at", timezone.now()), attempt],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/floor/save/<int:first>/<int:last>/", one_item_written),
    path("bench/floor/submit/<int:first>/<int:last>/", one_attempt_graded),
    *production_urlpatterns,
]
