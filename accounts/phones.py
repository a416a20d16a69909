"""How people type who they are: one normal form for a phone number (0 + 9 ASCII digits) and for
an email (lower case), and one way to mask a phone.

Every place that reads a phone or an email from a person goes through here (registration, login
and its lockout counter, the staff import, the profile edit, the password-reset form), so that one
number is one person however it was typed: spaces, dots, dashes, "+84" or "84", and digits from
another script (full-width "０９０５…" from a Chinese or Japanese keyboard, Arabic-Indic digits
from a pasted message) all become the same ten ASCII digits before any check or look-up.
"""

from __future__ import annotations

import re
import unicodedata

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x. ASCII only: in
# Python's `re`, `\d` also matches "０" or "٠", and a number so written was a second account.
_MOBILE = re.compile(r"^0[35789][0-9]{8}$", re.ASCII)
# After NFKC, which turns full-width separators into ASCII ones.
_SEPARATORS = re.compile(r"[\s.\-()/_]")


class InvalidPhone(ValueError):
    pass


def ascii_digits(raw: str) -> str:
    """NFKC first (full-width letters, digits and punctuation become ASCII; "①" becomes "1"), then
    any digit NFKC leaves alone (Arabic-Indic "٠١٢", Devanagari "०१२", Thai …) is replaced by
    its ASCII value. Everything else is kept as it is."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def normalise_phone(raw: str) -> str:
    """'+84 912.345.678', '84912345678', '0912 345 678' and '０９１２３４５６７８' all become '0912345678'.

    Raises InvalidPhone for anything that is not a Vietnamese mobile number.
    """
    digits = _SEPARATORS.sub("", ascii_digits(raw).strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    if not _MOBILE.match(digits):
        raise InvalidPhone(raw)
    return digits


def normalise_email(raw: str | None) -> str:
    """Trimmed, NFKC (a full-width "＠" is "@"), lower case: the form the unique column holds.
    An empty string for nothing typed. Does not check that it is an address."""
    return ascii_digits(raw or "").strip().lower()


def login_key(raw: str | None) -> tuple[str, str] | None:
    """What a person typed in the login box, as ("email", address) or ("phone", number), or None
    when it is neither. The one reading the login, its lockout counter and the reset form share."""
    text = normalise_email(raw)
    if not text:
        return None
    if "@" in text:
        return "email", text
    try:
        return "phone", normalise_phone(text)
    except InvalidPhone:
        return None


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
