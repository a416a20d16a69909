from contextlib import nullcontext

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as production_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: a Django view doing nothing, behind the same middleware as every page."""
    return HttpResponse("Hello, world", content_type="text/plain")


def statements(request: HttpRequest, count: int, in_transaction: bool = False) -> HttpResponse:
    """The floor under a view that runs `count` statements: that many of the cheapest statement
    there is (SELECT 1), through Django's cursor, behind the same middleware (and on PostgreSQL
    with Django's connection health check, as every request that uses the database has)."""
    with transaction.atomic() if in_transaction else nullcontext(), connection.cursor() as cursor:
        for _ in range(count):
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/statements/<int:count>/", statements),
    path("bench/statements/<int:count>/in-transaction/", statements, {"in_transaction": True}),
    *production_urlpatterns,
]
