"""The printable A4 poster of a contest, for the commune's public service centre and village
halls: title, round dates, how to take part, and the contest's address as text and as a QR
code large enough to scan from a metre away. A Vietnamese document whatever language the
organiser browses in."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from accounts.pdf import FONT, FONT_BOLD, draw_qr, register_fonts
from contests.models import Contest

RED = colors.HexColor("#b3141b")
MARGIN = 16 * mm
QR_SIZE = 82 * mm
ROUNDS_SHOWN = 6
DESCRIPTION_CHARS = 320


def contest_url(contest: Contest) -> str:
    return settings.SITE_URL + reverse("contests:contest_detail", args=[contest.slug])


def organiser_name() -> str:
    # One commune by default; a province-wide deployment names its own organiser.
    return getattr(settings, "CONTEST_ORGANISER", "UBND xã Đông Trà Bồng")


def _paragraph(pdf: canvas.Canvas, text: str, *, x: float, y: float, width: float, size: float,
               bold: bool = False, center: bool = False, color=colors.black) -> float:
    """Draw wrapped text whose top is at y; returns the y below it."""
    style = ParagraphStyle("p", fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.3,
                           alignment=TA_CENTER if center else TA_LEFT, textColor=color)
    paragraph = Paragraph(escape(text).replace("\n", "<br/>"), style)
    _w, height = paragraph.wrapOn(pdf, width, 200 * mm)
    paragraph.drawOn(pdf, x, y - height)
    return y - height


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "H:i d/m/Y")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def contest_poster_pdf(contest: Contest) -> bytes:
    register_fonts()
    buffer = BytesIO()
    width, height = A4
    text_width = width - 2 * MARGIN
    url = contest_url(contest)
    rounds = list(contest.rounds.order_by("number"))
    with translation.override(settings.LANGUAGE_CODE):
        pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
        pdf.setTitle(contest.title)
        pdf.setAuthor(organiser_name())
        pdf.setStrokeColor(RED)
        pdf.setLineWidth(2.5)
        pdf.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN)

        y = height - MARGIN
        y = _paragraph(pdf, organiser_name().upper(), x=MARGIN, y=y, width=text_width, size=13, bold=True,
                       center=True)
        y = _paragraph(pdf, _("ONLINE CONTEST"), x=MARGIN, y=y - 4 * mm, width=text_width, size=12, center=True,
                       color=RED)
        y = _paragraph(pdf, contest.title.upper(), x=MARGIN, y=y - 2 * mm, width=text_width, size=22, bold=True,
                       center=True, color=RED)
        if contest.description:
            y = _paragraph(pdf, _short(contest.description, DESCRIPTION_CHARS), x=MARGIN, y=y - 4 * mm,
                           width=text_width, size=11, center=True)

        y = _paragraph(pdf, _("Rounds"), x=MARGIN, y=y - 6 * mm, width=text_width, size=13, bold=True)
        lines = [_("%(round)s: from %(opens)s to %(closes)s") % {
            "round": r.label, "opens": _when(r.opens_at), "closes": _when(r.closes_at)} for r in rounds[:ROUNDS_SHOWN]]
        if len(rounds) > ROUNDS_SHOWN:
            lines.append(_("… and %(n)s more rounds: see the contest page.") % {"n": len(rounds) - ROUNDS_SHOWN})
        if not lines:
            lines.append(_("The dates of the rounds will be announced on the contest page."))
        y = _paragraph(pdf, "\n".join(f"• {line}" for line in lines), x=MARGIN, y=y - 1 * mm, width=text_width,
                       size=11)

        y = _paragraph(pdf, _("How to take part"), x=MARGIN, y=y - 5 * mm, width=text_width, size=13, bold=True)
        steps = [
            _("1. Scan the QR code with the phone's camera or Zalo, or type the address below."),
            _("2. Register with your phone number: full name, birth year, village or unit, and your consent."),
            _("3. Choose the open round, press Start and answer the questions before the time runs out."),
            _("4. Answer the prediction question and submit: you see your score and provisional rank at once."),
        ]
        y = _paragraph(pdf, "\n".join(steps), x=MARGIN, y=y - 1 * mm, width=text_width, size=11)

        # The QR code and the address take what is left above the footer, centred.
        footer_top = MARGIN + 18 * mm
        room = y - 6 * mm - footer_top - 12 * mm
        qr_size = min(QR_SIZE, room)
        qr_y = footer_top + 12 * mm + (room - qr_size) / 2
        draw_qr(pdf, url, x=(width - qr_size) / 2, y=qr_y, size=qr_size, error="q")
        size = 14.0
        while stringWidth(url, FONT_BOLD, size) > text_width and size > 7:
            size -= 0.5
        pdf.setFillColor(colors.black)
        pdf.setFont(FONT_BOLD, size)
        pdf.drawCentredString(width / 2, qr_y - 8 * mm, url)

        prizes = _("Each round: %(people)s individual prizes and %(units)s unit prizes.") % {
            "people": (contest.staff_prizes + contest.resident_prizes) if contest.split_prizes
            else contest.individual_prizes,
            "units": contest.unit_prizes}
        _paragraph(pdf, prizes, x=MARGIN, y=footer_top, width=text_width, size=11, center=True)
        _paragraph(pdf, _("Organised by: %(organiser)s") % {"organiser": organiser_name()}, x=MARGIN,
                   y=footer_top - 7 * mm, width=text_width, size=11, bold=True, center=True)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()
