from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as production_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: a Django view doing nothing, behind the same middleware as every page."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    *production_urlpatterns,
]
