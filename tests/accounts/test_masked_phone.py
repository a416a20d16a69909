"""The masked_phone filter: what a phone looks like to anyone but its owner or an organiser."""

import pytest
from django.template import Context, Template


def render(phone) -> str:
    return Template("{% load accounts_tags %}{{ phone|masked_phone }}").render(Context({"phone": phone}))


def test_it_keeps_only_the_first_and_last_two_digits():
    assert render("0912345678") == "09******78"


@pytest.mark.parametrize("phone", [None, ""])
def test_it_shows_nothing_for_no_phone(phone):
    assert render(phone) == ""
