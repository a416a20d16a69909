"""Who may see which reports. The one scoping rule of the app: an organiser sees every unit, a
unit manager sees their own unit's subtree, anyone else sees nothing (404, so the pages' existence
is not advertised). Reports open on the person's default unit (accounts.roles.default_unit).
Pages, exports, the .docx and the API all go through these helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import Unit
from accounts.roles import can_see_unit, default_unit, managed_root


def reports_root_for_user(user) -> Unit:
    """The top of the subtree this person may report on; 404 for everyone without one."""
    root = managed_root(user) if user.is_authenticated else None
    if root is None:
        raise Http404
    return root


def scoped_unit(user, unit: Unit | None) -> Unit:
    """The unit a report is about: the one asked for if the person may see it, else the unit
    their pages open on (accounts.roles.default_unit: an organiser's commune). A unit outside the
    person's subtree is a 404, never an empty report."""
    root = reports_root_for_user(user)
    if unit is None:
        return default_unit(user) or root
    if not can_see_unit(user, unit):
        raise Http404
    return unit


def get_unit_for_user(user, pk: int) -> Unit:
    unit = get_object_or_404(Unit, pk=pk)
    return scoped_unit(user, unit)


def reports_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Organisers and unit managers; anonymous people are sent to log in, others get a 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        reports_root_for_user(request.user)
        return view(request, *args, **kwargs)

    return wrapper


