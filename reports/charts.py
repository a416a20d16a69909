"""Server-rendered SVG charts: no JavaScript library. Horizontal bars, one per row with its label
above it, so the chart stays readable on a 360 px phone (the SVG scales to the width it is given).
Each chart is shown next to the table of its numbers: the table is the accessible version."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
ROW = 34
BAR = 12
TEXT = mark_safe('font-size="11" fill="#1a1a1a"')


def bar_chart(*, chart_id: str, title: str, rows: Sequence[tuple[str, Decimal | float | None]],
              maximum: float = 100.0, suffix: str = "%") -> SafeString:
    """`rows` are (label, value); a missing value is drawn as "–" with no bar."""
    height = ROW * max(1, len(rows)) + 4
    parts = [format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>', chart_id, chart_id, WIDTH, height, chart_id, title,
    )]
    scale = (WIDTH - 60) / maximum if maximum else 0
    for index, (label, value) in enumerate(rows):
        y = index * ROW + 2
        parts.append(format_html('<text x="0" y="{}" {}>{}</text>', y + 11, TEXT, label[:60]))
        if value is None:
            parts.append(format_html('<text x="0" y="{}" {}>–</text>', y + 26, TEXT))
            continue
        width = min(WIDTH - 60.0, max(1.0, float(value) * scale))
        parts.append(format_html('<rect x="0" y="{}" width="{}" height="{}" rx="2" fill="#1f5fa8"></rect>',
                                 y + 15, f"{width:.1f}", BAR))
        parts.append(format_html('<text x="{}" y="{}" {}>{}{}</text>',
                                 f"{width + 4:.1f}", y + 26, TEXT, _number(value), suffix))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped by format_html


def _number(value: Decimal | float) -> str:
    return escape(number_format(Decimal(value).quantize(Decimal("0.1")), decimal_pos=1))
