"""The picture Zalo and Facebook show beside a shared contest link (og:image): 1200 × 630 PNG,
the contest's title on the commune's red, drawn with the vendored DejaVu font so every
Vietnamese diacritic renders on a fresh machine."""

from __future__ import annotations

import textwrap
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from accounts.pdf import FONT_DIR
from contests.models import Contest

SIZE = (1200, 630)
RED, YELLOW, WHITE = (179, 20, 27), (255, 212, 0), (255, 255, 255)


def contest_share_png(contest: Contest, *, site_name: str) -> bytes:
    image = Image.new("RGB", SIZE, RED)
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 64)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 36)
    draw.rectangle((0, 0, SIZE[0], 18), fill=YELLOW)
    draw.text((70, 70), "CCHC", font=regular, fill=YELLOW)
    y = 150
    for line in textwrap.wrap(contest.title, width=30)[:4]:
        draw.text((70, y), line, font=bold, fill=WHITE)
        y += 84
    draw.text((70, SIZE[1] - 100), site_name, font=regular, fill=WHITE)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
