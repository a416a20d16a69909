"""Acting for a person in person (village officers, organiser), and the public page that takes a
reset code. Who may act for whom is accounts/roles.py's `people_assisted_by`, nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import ratelimit, recovery, roles, services, sms
from accounts.consent import CONSENT_TEXT_VERSION
from accounts.forms_assist import AssistedRegistrationForm, PeopleSearchForm, ResetCodeIssueForm, ResetCodeRedeemForm
from accounts.members import people_search
from accounts.models import User
from accounts.views import _safe_next

PEOPLE_SHOWN = 30


def _require_assisting(request: HttpRequest) -> None:
    """Only officers and organisers have these pages; for anyone else they do not exist."""
    if not roles.may_assist(request.user):
        raise Http404


def _get_person_for_user(request: HttpRequest, pk: int) -> User:
    """A person the signed-in officer or organiser may act for; a 404 for anyone else's, so the
    pages do not tell which accounts exist."""
    _require_assisting(request)
    person = roles.people_assisted_by(request.user).select_related("unit").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


@login_required
@require_GET
def assist_people(request: HttpRequest) -> HttpResponse:
    """The officer's page: the people they may act for, and what they may do for each."""
    _require_assisting(request)
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = list(people_search(request.user, query)[:PEOPLE_SHOWN])
    return render(request, "accounts/assist_people.html", {
        "form": form, "people": people, "limit": PEOPLE_SHOWN, "root": roles.assisted_root(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def assist_register(request: HttpRequest) -> HttpResponse:
    """An officer registers a resident in person (assisted mode); then back to `next` (the round
    the officer is about to take with them), where the new resident is first in the list."""
    _require_assisting(request)
    root = roles.assisted_root(request.user)
    if root is None:
        raise Http404
    next_url = _safe_next(request)
    form = AssistedRegistrationForm(request.POST if request.method == "POST" else None, root=root)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.resident_register_in_person(
                officer=request.user, full_name=data["full_name"], birth_year=data["birth_year"],
                phone=data["phone"], village=data["village"], purposes=form.purposes(),
            )
        except IntegrityError:
            form.add_error("phone", _("This phone number was registered a moment ago. Search for the person instead."))
        else:
            messages.success(request, _("%(name)s is registered; their consent is recorded as given to you in person.")
                             % {"name": person.full_name})
            return redirect(next_url or "accounts:assist_people")
    return render(request, "accounts/assist_register.html", {
        "form": form, "next": next_url or "", "consent_text_version": CONSENT_TEXT_VERSION,
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def reset_code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    if not person.phone:
        return render(request, "accounts/reset_code_issue.html",
                      {"person": person, "refusal": recovery.NoPhone().message}, status=409)
    form = ResetCodeIssueForm(request.POST if request.method == "POST" else None,
                              sms_possible=sms.sms_available() and bool(person.phone))
    if request.method == "POST" and form.is_valid():
        issued = recovery.reset_code_issue(person=person, issued_by=request.user, identity_checked=True,
                                           send_sms=form.cleaned_data.get("send_sms", False))
        response = render(request, "accounts/reset_code_issued.html", {
            "person": person, "issued": issued, "code_groups": [issued.code[:4], issued.code[4:]],
            "valid_minutes": int(recovery.RESET_CODE_VALID.total_seconds() // 60),
        })
        # The code is shown once: never kept by the browser's cache or a proxy.
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/reset_code_issue.html", {"person": person, "form": form},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def reset_code_redeem(request: HttpRequest) -> HttpResponse:
    """Public: phone, code and a new password; the person is then signed in."""
    if request.user.is_authenticated:
        # On an officer's device, redeeming would sign the officer out; the page says so instead.
        return render(request, "accounts/reset_code_redeem.html", {"signed_in": True})
    form = ResetCodeRedeemForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = recovery.reset_code_redeem(phone=data["phone"], code=data["code"],
                                                  password=data["new_password1"],
                                                  client_ip=ratelimit.client_ip(request))
            except recovery.ResetCodeLimited as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except recovery.ResetCodeRefused as exc:
                form.add_error("code", exc.message)
            else:
                login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
                messages.success(request, _("Your new password is saved and you are logged in."))
                return redirect("home")
    response = render(request, "accounts/reset_code_redeem.html", {"form": form}, status=status)
    response["Cache-Control"] = "no-store"
    return response
