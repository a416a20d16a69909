from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Accounts created in bulk start with a shared password that must be changed first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/", "/healthz")
            if not request.path.startswith(allowed) and not request.path.startswith("/i18n/"):
                return redirect("accounts:password_change")
        return self.get_response(request)
