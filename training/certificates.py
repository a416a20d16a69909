"""The certificate as a PDF: Vietnamese text in an embedded DejaVu Sans (vendored in
accounts/fonts/, so a fresh machine needs no system font) and a QR code of the public
verification address, drawn as vector squares (both from accounts/pdf.py)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from accounts.pdf import FONT, FONT_BOLD, draw_qr, register_fonts
from training.models import Certificate

RED = colors.HexColor("#b3141b")


def _centered(pdf: canvas.Canvas, text: str, *, y: float, size: float, bold: bool = False,
              width: float, color=colors.black) -> float:
    """Draw a wrapped, centred paragraph whose top is at y; returns the y below it."""
    style = ParagraphStyle("c", fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.3,
                           alignment=TA_CENTER, textColor=color)
    paragraph = Paragraph(escape(text), style)
    _w, height = paragraph.wrapOn(pdf, width, 200 * mm)
    paragraph.drawOn(pdf, (landscape(A4)[0] - width) / 2, y - height)
    return y - height


def certificate_pdf(certificate: Certificate) -> bytes:
    register_fonts()
    buffer = BytesIO()
    width, height = landscape(A4)
    verify_url = certificate.get_absolute_verification_url()
    # A certificate is a Vietnamese document whatever language the person browses in.
    with translation.override(settings.LANGUAGE_CODE):
        issued = formats.date_format(timezone.localtime(certificate.issued_at), "d/m/Y")
        pdf = canvas.Canvas(buffer, pagesize=landscape(A4), invariant=True)
        pdf.setTitle(_("Certificate %(code)s") % {"code": certificate.code})
        pdf.setAuthor(_("Đông Trà Bồng commune"))
        pdf.setStrokeColor(RED)
        pdf.setLineWidth(3)
        pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        pdf.setLineWidth(0.8)
        pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

        text_width = width - 70 * mm
        y = height - 28 * mm
        y = _centered(pdf, _("Administrative reform learning platform — Đông Trà Bồng commune"),
                      y=y, size=12, width=text_width)
        y = _centered(pdf, _("Certificate of completion"), y=y - 10 * mm, size=30, bold=True,
                      width=text_width, color=RED)
        y = _centered(pdf, _("This certifies that"), y=y - 8 * mm, size=13, width=text_width)
        y = _centered(pdf, certificate.holder_name, y=y - 4 * mm, size=24, bold=True, width=text_width)
        if certificate.unit_name:
            y = _centered(pdf, _("Unit: %(unit)s") % {"unit": certificate.unit_name}, y=y - 3 * mm, size=13,
                          width=text_width)
        y = _centered(pdf, _("has completed the training module"), y=y - 6 * mm, size=13, width=text_width)
        y = _centered(pdf, certificate.module_title, y=y - 3 * mm, size=16, bold=True, width=text_width)
        _centered(pdf, _("Date of completion: %(date)s") % {"date": issued}, y=y - 8 * mm, size=12,
                  width=text_width)

        qr_size = 34 * mm
        draw_qr(pdf, verify_url, x=width - 22 * mm - qr_size, y=22 * mm, size=qr_size)
        pdf.setFont(FONT, 10)
        pdf.drawString(24 * mm, 32 * mm, _("Certificate code: %(code)s") % {"code": certificate.code})
        pdf.drawString(24 * mm, 26 * mm, _("Verify at: %(url)s") % {"url": verify_url})
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()
