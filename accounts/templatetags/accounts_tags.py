from django import template

from accounts.privacy import mask_phone

register = template.Library()


@register.filter
def masked_phone(phone: str | None) -> str:
    """{{ member.phone|masked_phone }} → '09******78', for any page where someone other than
    the owner or an organiser sees a phone number."""
    return mask_phone(phone)
