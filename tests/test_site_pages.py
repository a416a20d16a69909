"""Site-wide pages: the error pages people meet, the header navigation, and Django's own strings
that our catalogue supplies in Vietnamese."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django.views import defaults

from tests.factories import make_user


@pytest.mark.django_db
def test_it_shows_a_vietnamese_404_inside_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'class="site-header"' in html and 'href="/"' in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_it_shows_a_vietnamese_403_that_offers_to_log_in():
    request = RequestFactory().get("/contests/x/rounds/1/participation/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html
    assert "/accounts/login/?next=/contests/x/rounds/1/participation/" in html


def test_it_renders_the_500_page_without_a_request_or_the_database():
    # server_error renders with an empty context, and this test has no database mark, so
    # pytest-django fails it if the page (or base.html's context processors) tried a query.
    response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã xảy ra lỗi" in html
    assert "Server Error" not in html


def test_it_says_time_left_in_vietnamese():
    # Django 5.2's own vi catalogue lacks the "%(num)d day" forms; ours supplies them.
    closes = timezone.now() + timedelta(days=2, hours=6, minutes=1)

    text = Template("{{ closes|timeuntil }}").render(Context({"closes": closes}))

    assert text == "2\xa0ngày, 6\xa0giờ"  # timeuntil keeps number and unit together


def test_it_groups_the_management_pages_behind_one_menu_for_organisers(organiser_client):
    html = organiser_client.get("/").content.decode()

    assert "<summary>Quản lý</summary>" in html
    menu = html.split("<summary>Quản lý</summary>", 1)[1].split("</details>", 1)[0]
    for path in ("/accounts/unit/", "/accounts/staff/import/", "/quizzes/bank/", "/reports/"):
        assert f'href="{path}' in menu


def test_it_keeps_a_residents_header_to_the_four_links_they_use(resident_client):
    html = resident_client.get("/").content.decode()
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]

    assert "<details" not in nav
    assert "Cuộc thi" in nav and "Học tập" in nav and "Tài khoản" in nav and "Đăng xuất" in nav


def test_it_heads_the_admin_with_the_commune_not_django(client, commune):
    client.force_login(make_user(unit=commune, is_staff=True, is_superuser=True))

    html = client.get("/admin/").content.decode()

    assert "Quản trị hệ thống CCHC xã Đông Trà Bồng" in html
    assert "Trang quản trị cho Django" not in html
