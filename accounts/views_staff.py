"""Bulk import of staff accounts (organisers only). The rules live in accounts/staff_import.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms_staff import StaffImportForm
from accounts.models import Unit
from accounts.roles import is_organiser, managed_root
from accounts.staff_import import staff_import
from accounts.staff_sheet import MAX_ROWS
from accounts.staff_template import staff_template_build

_SUMMARY_KEY = "staff_import_summary"


def _get_import_root_for_user(request: HttpRequest) -> Unit:
    """The subtree an organiser imports into; everyone else is told the page does not exist."""
    root = managed_root(request.user) if is_organiser(request.user) else None
    if root is None:
        raise Http404
    return root


@login_required
@require_http_methods(["GET", "POST"])
def staff_import_view(request: HttpRequest) -> HttpResponse:
    root = _get_import_root_for_user(request)
    result = None
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = staff_import(
            file=upload, file_name=upload.name, root=root, password=form.cleaned_data["password"],
            actor=request.user, dry_run=form.cleaned_data["dry_run"],
        )
        if result.ok and not result.dry_run:
            # Post/redirect/get: reloading the summary must not post the file again.
            request.session[_SUMMARY_KEY] = {"count": result.created, "file": upload.name,
                                             "units": result.per_unit()}
            messages.success(request, ngettext(
                "%(count)d account was created.", "%(count)d accounts were created.", result.created,
            ) % {"count": result.created})
            return redirect("accounts:staff_import")
        if result.ok:
            messages.info(request, _("The file is correct. Nothing was created yet: untick “Only check” to import it."))
    summary = request.session.pop(_SUMMARY_KEY, None) if request.method == "GET" else None
    return render(request, "accounts/staff_import.html", {
        "form": form, "result": result, "summary": summary, "root": root, "max_rows": MAX_ROWS,
    })


@login_required
@require_GET
def staff_import_template(request: HttpRequest) -> HttpResponse:
    root = _get_import_root_for_user(request)
    response = HttpResponse(
        staff_template_build(root=root),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.xlsx"'
    return response
