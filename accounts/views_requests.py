"""Requests from data subjects: the person asks on "My data"; organisers work the queue.
The rules (due dates, handling once, the audit log) live in accounts/data_requests.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.data_requests import data_request_handle, data_request_open
from accounts.errors import DomainError
from accounts.forms_requests import DataRequestFilterForm, DataRequestForm, DataRequestHandleForm
from accounts.models import DataRequest
from accounts.roles import is_organiser

QUEUE_SIZE = 200


@login_required
@require_http_methods(["GET", "POST"])
def my_data_request(request: HttpRequest) -> HttpResponse:
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_request = data_request_open(user=request.user, kind=form.cleaned_data["kind"],
                                         details=form.cleaned_data["details"])
        messages.success(request, _("Your request has been received. The commune replies by %(date)s.") % {
            "date": date_format(data_request.due_on, "d/m/Y")})
        return redirect("accounts:my_data")
    return render(request, "accounts/my_data_request.html", {"form": form})


def _require_organiser(request: HttpRequest) -> None:
    if not is_organiser(request.user):
        raise PermissionDenied


def _get_data_request_for_user(request: HttpRequest, pk: int) -> DataRequest:
    _require_organiser(request)
    return get_object_or_404(DataRequest.objects.select_related("user__unit", "handled_by"), pk=pk)


@login_required
@require_GET
def data_request_queue(request: HttpRequest) -> HttpResponse:
    """Organisers: requests to answer, the oldest due first; open ones by default."""
    _require_organiser(request)
    form = DataRequestFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    today = timezone.localdate()
    rows: list[DataRequest] = []
    if valid:
        data = form.cleaned_data if form.is_bound else {}
        status = data.get("status") or DataRequestFilterForm.OPEN
        queryset = DataRequest.objects.select_related("user__unit", "handled_by")
        if status == DataRequestFilterForm.OPEN:
            queryset = queryset.open()
        elif status == DataRequestFilterForm.OVERDUE:
            queryset = queryset.overdue(today)
        elif status == DataRequestFilterForm.HANDLED:
            queryset = queryset.filter(handled_at__isnull=False).order_by("-handled_at", "-pk")
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        rows = list(queryset[:QUEUE_SIZE])
    return render(request, "accounts/data_requests.html", {
        "form": form, "rows": rows, "limit": QUEUE_SIZE, "today": today,
        "overdue_count": DataRequest.objects.overdue(today).count(),
        "handle_form": DataRequestHandleForm(),
    }, status=200 if valid else 400)


@login_required
@require_http_methods(["GET", "POST"])
def data_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with the reply form (the queue posts here; errors re-render this page)."""
    data_request = _get_data_request_for_user(request, pk)
    form = DataRequestHandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_handle(request=data_request, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The request is marked as handled."))
        return redirect("accounts:data_request_queue")
    return render(request, "accounts/data_request_detail.html", {
        "row": data_request, "form": form, "today": timezone.localdate(),
    })
