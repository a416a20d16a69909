from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def heat(rate: Decimal | None) -> str:
    """The class of a light background from red (0 %) through yellow to green (100 %), in ten
    steps (static/css/app.css: a class, since the Content-Security-Policy refuses style
    attributes). Dark text stays readable on every shade, and the number is printed anyway."""
    if rate is None:
        return ""
    return f"heat-{int(max(0.0, min(100.0, float(rate))) / 10 + 0.5)}"


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"+{number_format(value)}" if value > 0 else number_format(value)


@register.filter
def number(value) -> str:
    return "–" if value is None else number_format(value)
