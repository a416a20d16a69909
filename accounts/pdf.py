"""What every PDF of the platform shares: the embedded Vietnamese font and vector QR codes.

Here, in the lowest layer, so that training (certificates) and quizzes (contest posters) both
use it without importing each other. DejaVu Sans is vendored in accounts/fonts/ with its
licence: a fresh machine needs no system font, and every Vietnamese diacritic is covered.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def draw_qr(pdf: canvas.Canvas, data: str, *, x: float, y: float, size: float, error: str = "m") -> None:
    """A QR code drawn as vector squares (sharp at any print size, no image library), with
    its white quiet zone, in the square of side `size` whose lower left corner is (x, y)."""
    qr = segno.make(data, error=error)
    matrix = qr.matrix
    quiet = 2
    count = len(matrix) + 2 * quiet
    cell = size / count
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + (col_index + quiet) * cell, y + size - (row_index + quiet + 1) * cell,
                         cell, cell, stroke=0, fill=1)
