"""Every organiser page, report and export opens on the organiser's own commune, not on the whole
province (accounts.roles.default_unit); the unit filter widens it; a unit manager stays inside
their unit. Checked on the demo tree: tỉnh Quảng Ngãi → xã Đông Trà Bồng → its departments."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from accounts import demo
from accounts.models import AuditEntry, Unit, User
from accounts.roles import Role, default_unit, managed_root
from tests.factories import make_user
from tests.training.factories import assign, make_module


@pytest.fixture
def tree(db):
    demo.load(io.StringIO())
    return {"province": Unit.objects.get(parent__isnull=True), "commune": demo.commune()}


def _client(phone: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(phone=phone), backend="accounts.backends.PhoneOrEmailBackend")
    return client


@pytest.fixture
def organiser_page(tree):
    return _client("0905000001")


@pytest.fixture
def manager_page(tree):
    return _client("0905000002")


def test_the_demo_organisers_default_unit_is_the_commune_and_the_province_is_their_widest(tree):
    organiser = User.objects.get(phone="0905000001")
    assert organiser.unit.name == "Phòng Văn hóa - Xã hội"
    assert default_unit(organiser) == tree["commune"] and tree["commune"].name == "Xã Đông Trà Bồng"
    assert managed_root(organiser) == tree["province"]
    manager = User.objects.get(phone="0905000002")
    assert default_unit(manager) == manager.unit == managed_root(manager)
    assert default_unit(User.objects.get(phone="0905000003")) is None


def test_the_dashboard_opens_on_the_commune_and_the_filter_widens_it(organiser_page, tree):
    response = organiser_page.get(reverse("reports:dashboard"))
    assert response.context["filters"].unit == tree["commune"]
    assert "Xã Đông Trà Bồng" in response.content.decode()
    assert response.context["form"]["unit"].value() == str(tree["commune"].pk)  # shown as chosen
    widened = organiser_page.get(reverse("reports:dashboard"), {"unit": ""})
    assert widened.context["filters"].unit == tree["province"]
    other = Unit.objects.filter(parent=tree["province"]).exclude(pk=tree["commune"].pk).first()
    assert organiser_page.get(reverse("reports:dashboard"), {"unit": other.pk}).context["filters"].unit == other


def test_the_exports_open_on_the_commune(organiser_page, tree):
    response = organiser_page.get(reverse("reports:export_units"))
    assert response.status_code == 200 and "xa-dong-tra-bong" in response["Content-Disposition"]
    names = [row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert "Phòng Văn hóa - Xã hội" in names and "Tổng: Xã Đông Trà Bồng" in names
    communes = set(Unit.objects.filter(parent=tree["province"]).exclude(pk=tree["commune"].pk)
                   .values_list("name", flat=True))
    assert not communes & {str(name) for name in names}  # no other commune of the province
    docx = organiser_page.get(reverse("reports:periodic_report"))
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Phạm vi: Xã Đông Trà Bồng." in text
    training = organiser_page.get(reverse("reports:export_training"))
    assert "xa-dong-tra-bong" in training["Content-Disposition"]
    wide = organiser_page.get(reverse("reports:export_units"), {"unit": ""})
    assert "tinh-quang-ngai" in wide["Content-Disposition"]


def test_the_reports_api_opens_on_the_commune(organiser_page, tree):
    data = organiser_page.get("/api/reports/units/").json()
    assert data["filters"]["unit_id"] == tree["commune"].pk


def test_training_progress_rates_members_and_assignments_open_on_the_commune(organiser_page, tree):
    office = Unit.objects.get(name="Văn phòng HĐND và UBND xã")
    module = make_module()
    assign(module, office)
    progress = organiser_page.get(reverse("training:unit_progress"))
    assert progress.context["unit"] == tree["commune"]
    assert [row.member.phone for row in progress.context["rows"]] == ["0905000002", "0905000003"]
    assert organiser_page.get(reverse("training:unit_progress"), {"unit": ""}).context["unit"] == tree["province"]
    xlsx = organiser_page.get(reverse("training:unit_progress_xlsx"))
    assert xlsx.status_code == 200
    assert AuditEntry.objects.get(action="export.unit_progress").summary.endswith("— Xã Đông Trà Bồng")
    assert organiser_page.get(reverse("training:completion_rates")).context["unit"] == tree["commune"]
    assert organiser_page.get(reverse("accounts:unit_members")).context["unit"] == tree["commune"]
    assert organiser_page.get(reverse("accounts:unit_members"), {"unit": ""}).context["unit"] == tree["province"]
    assignments = organiser_page.get(reverse("training:assignment_list"))
    assert assignments.context["scope"] == tree["commune"]
    units = list(assignments.context["form"].fields["units"].queryset)
    assert tree["commune"] in units and tree["province"] not in units


def test_a_unit_manager_cannot_open_another_units_pages(manager_page, tree):
    other = Unit.objects.get(name="Phòng Kinh tế")
    assert manager_page.get(reverse("reports:unit_detail", args=[other.pk])).status_code == 404
    assert manager_page.get(reverse("reports:unit_pending", args=[other.pk])).status_code == 404
    own = User.objects.get(phone="0905000002").unit
    assert manager_page.get(reverse("reports:unit_detail", args=[own.pk])).status_code == 200
    dashboard = manager_page.get(reverse("reports:dashboard"), {"unit": ""})
    assert dashboard.context["filters"].unit == own  # "all my units" is their own unit's subtree
    assert manager_page.get(reverse("training:assignment_list")).status_code == 404
    assert manager_page.get(reverse("training:author_module_list")).status_code == 404


def test_an_organiser_above_any_commune_opens_on_their_own_unit(tree):
    provincial = make_user(role=Role.ORGANISER, unit=tree["province"], full_name="Sở Nội vụ")
    assert default_unit(provincial) == tree["province"]
    commune_level = make_user(role=Role.ORGANISER, unit=tree["commune"], full_name="Tại xã")
    assert default_unit(commune_level) == tree["commune"]
