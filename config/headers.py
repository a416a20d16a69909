"""Security headers on every response the application writes (whitenoise serves static files
before this middleware, with headers of its own).

- Content-Security-Policy: scripts, styles, images, fonts and requests from this site only. The
  pages have no inline script, no inline event handler and no style attribute (static/js and
  static/css hold them), and htmx is configured not to inject its indicator style (base.html),
  so nothing needs 'unsafe-inline' or a nonce.
- Permissions-Policy: the browser features no page uses are switched off, for this site and
  anything it could ever embed.
- Cache-Control: no-store on every response to a signed-in person. Those pages show answers,
  scores, personal data, member lists and exports; on a phone shared in a village hall (assisted
  mode), the next person pressing Back must not see them from the browser's cache, and no cache
  on the way may keep them. A view that sets its own Cache-Control keeps it.

Django 5.2 has no CSP support of its own, and django-csp would bring nonces, per-view decorators
and report-only modes that a site without inline code does not need: a fixed header is enough.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # data: for the small icons Swagger UI's stylesheet embeds (/api/docs/).
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in [
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private
        return response
