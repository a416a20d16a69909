"""Certificates: the holder's PDF download and the public verification page the QR code opens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from training.certificates import certificate_pdf
from training.errors import CertificateNotFound, CertificateRevoked
from training.forms import VerifyForm, normalise_code
from training.models import Certificate
from training.views.common import training_errors


def _get_certificate_for_user(request: HttpRequest, code: str) -> Certificate:
    """The holder's own certificate; anyone else's is a 404, so codes cannot be probed here."""
    certificate = Certificate.objects.filter(code=normalise_code(code), completion__user=request.user).first()
    if certificate is None:
        raise CertificateNotFound()
    if certificate.is_revoked:
        raise CertificateRevoked()
    return certificate


@require_GET
@login_required
@training_errors
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _get_certificate_for_user(request, code)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: says whether a certificate with this code exists and is valid, with the holder's
    name, the module and the date only (no unit, no contact, no score)."""
    certificate = Certificate.objects.filter(code=normalise_code(code)).first()
    status = 200 if certificate is not None else 404
    return render(request, "training/certificate_verify.html", {
        "certificate": certificate, "code": normalise_code(code)[:16], "form": VerifyForm(),
    }, status=status)


@require_GET
def certificate_verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("training:certificate_verify", code=form.cleaned_data["code"])
    return render(request, "training/certificate_verify.html", {"form": form, "code": None},
                  status=400 if form.is_bound else 200)
