"""One normaliser for what people type as their phone or email (accounts/phones.py)."""

import pytest

from accounts.phones import InvalidPhone, ascii_digits, login_key, normalise_email, normalise_phone


@pytest.mark.parametrize("typed", [
    "0905000003", "0905 000 003", "0905.000.003", "0905-000-003", "(0905) 000 003",
    "+84 905 000 003", "+84905000003", "84905000003", "84.905.000.003", "0084 905 000 003",
    "０９０５０００００３",          # full-width, from a Chinese or Japanese keyboard
    "＋８４ ９０５ ０００ ００３",     # full-width plus and digits, ideographic spaces
    "٠٩٠٥٠٠٠٠٠٣",                   # Arabic-Indic digits, pasted from a message
    "०९०५०००००३",                   # Devanagari digits
    "  0905 000 003\n",
])
def test_every_common_spelling_of_a_number_is_one_number(typed):
    assert normalise_phone(typed) == "0905000003"


@pytest.mark.parametrize("typed", [
    "", "090500000", "09050000033", "0105000003", "+1 905 000 003", "0905 ABC 003", "phone", "0905000003x",
])
def test_what_is_not_a_vietnamese_mobile_number_is_refused(typed):
    with pytest.raises(InvalidPhone):
        normalise_phone(typed)


def test_the_result_is_ascii_whatever_digits_came_in():
    assert ascii_digits("０٩०५") == "0905"
    assert ascii_digits("Nguyễn ①") == "Nguyễn 1"  # letters outside ASCII are kept


def test_an_email_is_trimmed_lower_cased_and_full_width_folded():
    assert normalise_email("  An.Pham@Example.VN ") == "an.pham@example.vn"
    assert normalise_email("ａｎ＠ｅｘａｍｐｌｅ．ｖｎ") == "an@example.vn"
    assert normalise_email(None) == ""


def test_the_login_box_reads_a_phone_an_email_or_nothing():
    assert login_key("+84 905 000 003") == ("phone", "0905000003")
    assert login_key("０９０５０００００３") == ("phone", "0905000003")
    assert login_key("An.Pham@Example.vn") == ("email", "an.pham@example.vn")
    assert login_key("hello") is None
    assert login_key("   ") is None
