from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def heat(rate: Decimal | None) -> str:
    """A light background from red (0 %) through yellow to green (100 %): dark text stays
    readable on every shade, and the number is printed anyway."""
    if rate is None:
        return ""
    hue = round(120 * max(0.0, min(100.0, float(rate))) / 100)
    return f"background-color: hsl({hue}, 75%, 85%)"


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"+{number_format(value)}" if value > 0 else number_format(value)


@register.filter
def number(value) -> str:
    return "–" if value is None else number_format(value)
