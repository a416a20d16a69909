import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import members, ratelimit, roles, services
from accounts.consent import CONSENT_TEXT_VERSION
from accounts.data_requests import data_request_record
from accounts.forms import (
    ConsentForm,
    DeleteAccountForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationForm,
    UnitFilterForm,
)
from accounts.models import ConsentPurpose, DataRequestKind, Unit, User
from accounts.personal_data import personal_data_export
from accounts.sessions import session_keep

MEMBERS_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    """Django's login. Where it goes next: a safe `next`, else LOGIN_REDIRECT_URL (config's
    `after_login`, which knows each role's first page)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session_keep(self.request, user=form.get_user(), remember=form.cleaned_data["remember"])
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(self.request, "login_limited", False):
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with a ceiling so nobody can flood a person's inbox or the mail server:
    a few requests per address per hour, and per network."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        who = form.cleaned_data["email"]  # the normalised phone or email (PasswordResetForm)
        per_email = ratelimit.limit_hit("reset-email-account", who)
        per_network = ratelimit.limit_hit("reset-email-address", ratelimit.client_ip(self.request))
        if not (per_email and per_network):
            return render(self.request, "accounts/password_reset_limited.html", status=429)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        return response


# --- Registration, personal data, unit members -------------------------------------------------


def _safe_next(request: HttpRequest) -> str | None:
    """The contest flow sends people here with ?next=; only a URL on this site is followed."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure(),
    ):
        return candidate
    return None


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    if request.method == "POST":
        if not ratelimit.limit_hit("register-address", ratelimit.client_ip(request)):
            return render(request, "accounts/rate_limited.html", status=429)
        form = RegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.resident_register(
                    full_name=data["full_name"], birth_year=data["birth_year"], phone=data["phone"],
                    village=data["village"], email=data["email"], password=data["password1"],
                    purposes=form.purposes(),
                )
            except IntegrityError:
                # Someone registered the same phone or email between validation and saving.
                form.add_error(None, _("This phone number or email was registered a moment ago. Log in instead."))
            else:
                login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
                # On the person's own phone, as the login page's box is ticked by default.
                session_keep(request, user=user, remember=True)
                messages.success(request, _("Welcome! Your account has been created."))
                return redirect(next_url or "home")
    else:
        form = RegistrationForm()
    return render(request, "accounts/register.html", {
        "form": form, "next": next_url or "", "consent_text_version": CONSENT_TEXT_VERSION,
    })


def _optional_purposes(account: User) -> set[str]:
    chosen = {ConsentPurpose.LEADERBOARD.value} if account.show_on_leaderboard else set()
    return chosen | ({ConsentPurpose.NOTIFICATIONS.value} if account.receive_notifications else set())


def _get_account_for_user(request: HttpRequest) -> User:
    """The only account a person may see, download or delete is their own."""
    return User.objects.select_related("unit").get(pk=request.user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    account = _get_account_for_user(request)
    if request.method == "POST":
        form = ConsentForm.for_user(account, request.POST)
        if form.is_valid():
            withdrawn = _optional_purposes(account) - form.purposes()
            if services.consent_change(user=account, optional=form.purposes()) is None:
                messages.info(request, _("Your choices were already saved; nothing changed."))
            else:
                if withdrawn:
                    data_request_record(user=account, kind=DataRequestKind.WITHDRAWAL,
                                        details=", ".join(sorted(withdrawn)))
                messages.success(request, _("Your consent choices have been saved."))
            return redirect("accounts:my_data")
    else:
        form = ConsentForm.for_user(account)
    return render(request, "accounts/my_data.html", {
        "account": account,
        "data_requests": account.data_requests.filter(self_service=False).order_by("-received_at", "-pk")[:20],
        "consents": account.consents.order_by("-given_at", "-pk"),
        "consent_form": form,
        "consent_text_version": CONSENT_TEXT_VERSION,
    })


@login_required
@require_http_methods(["GET", "POST"])
def my_data_edit(request: HttpRequest) -> HttpResponse:
    account = _get_account_for_user(request)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=account)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        if changed:
            data_request_record(user=account, kind=DataRequestKind.CORRECTION, details=", ".join(changed))
        messages.success(request, _("Your details have been corrected."))
        return redirect("accounts:my_data")
    return render(request, "accounts/my_data_edit.html", {"form": form})


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    account = _get_account_for_user(request)
    data = personal_data_export(user=account)
    # This GET's one write: the trace that the person's right of access was answered, kept with
    # the other requests (accounts/data_requests.py).
    data_request_record(user=account, kind=DataRequestKind.ACCESS, details="download")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    filename = f"du-lieu-ca-nhan-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data_delete(request: HttpRequest) -> HttpResponse:
    account = _get_account_for_user(request)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=account)
    if request.method == "POST" and form.is_valid():
        data_request_record(user=account, kind=DataRequestKind.DELETION)
        services.user_anonymise(user=account)
        logout(request)
        messages.success(request, _("Your personal data has been deleted and you have been logged out."))
        return redirect("home")
    return render(request, "accounts/my_data_delete.html", {"form": form})


def _get_managed_root_for_user(request: HttpRequest) -> Unit:
    """The top unit whose members this person may list; 404 for anyone who manages nothing."""
    root = roles.managed_root(request.user)
    if root is None:
        raise Http404
    return root


@login_required
@require_GET
def unit_members(request: HttpRequest) -> HttpResponse:
    root = _get_managed_root_for_user(request)
    # Opens on the person's own commune (organisers) or unit; “All my units” widens it.
    form = UnitFilterForm(roles.with_default_unit(request.GET, request.user), root=root)
    unit, page_number = roles.default_unit(request.user) or root, 1
    if form.is_valid():
        unit = form.cleaned_data["unit"] or root
        page_number = form.cleaned_data["page"] or 1
    columns = members.member_columns()
    page = Paginator(members.unit_members(unit=unit, columns=columns), MEMBERS_PER_PAGE).get_page(page_number)
    context = {
        "form": form,
        "unit": unit,
        "page": page,
        "columns": columns,
        "rows": members.member_rows(page.object_list, viewer=members.Viewer.of(request.user), columns=columns),
    }
    template = "accounts/_members_table.html" if request.htmx else "accounts/unit_members.html"
    return render(request, template, context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, explained in the person's language with the site around it.
    The usual cause here is a form left open past the session, so the page says to reload."""
    return render(request, "403_csrf.html", status=403)
