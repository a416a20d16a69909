"""Vietnamese mobile numbers: one normal form (0 + 9 digits) and one way to mask them."""

import re

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """'+84 912.345.678', '84912345678' and '0912 345 678' all become '0912345678'.

    Raises InvalidPhone for anything that is not a Vietnamese mobile number.
    """
    digits = _SEPARATORS.sub("", str(raw or "").strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.match(digits):
        raise InvalidPhone(raw)
    return digits


def looks_like_phone(raw: str) -> bool:
    try:
        normalise_phone(raw)
    except InvalidPhone:
        return False
    return True


def mask_phone(phone: str | None) -> str:
    """'0912345678' → '09******78': enough for its owner to recognise, useless to anyone else."""
    if not phone:
        return ""
    if len(phone) < 5:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]
