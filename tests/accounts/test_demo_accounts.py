"""The demo accounts: the organiser runs everything from the platform's own pages, so the demo
organiser is no Django staff member (the admin is for superusers), and still reaches them."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from accounts.roles import Role, role_of


@pytest.fixture
def loaded(db):
    accounts_demo.load(io.StringIO())


def test_the_demo_organiser_is_not_django_staff_but_opens_the_organiser_pages(loaded):
    organiser = User.objects.get(phone="0905000001")
    assert role_of(organiser) == Role.ORGANISER
    assert not organiser.is_staff and not organiser.is_superuser
    client = Client()
    client.force_login(organiser)
    assert client.get(reverse("contests:manage_list")).status_code == 200
    assert client.get(reverse("training:author_module_list")).status_code == 200
    assert client.get("/admin/").status_code == 302  # to the admin's own login: not for organisers


def test_loading_again_takes_the_staff_flag_off_an_organiser_of_an_older_demo(loaded):
    User.objects.filter(phone="0905000001").update(is_staff=True)
    accounts_demo.load(io.StringIO())
    assert not User.objects.get(phone="0905000001").is_staff
