"""Report filters take dates typed by people. A date at the edge of the calendar (01/01/0001,
31/12/9999) must be refused with a reason like any other bad date, never crash the page, the
download or the API while the period around it is computed (issue 6: bad values give a clear
message; the quality bar: bad input is a 4xx with a reason, never a 500)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EDGES = ["date_to=01/01/0001", "date_from=01/01/0001", "date_from=31/12/9999", "date_to=31/12/9999",
         "date_from=01/01/0001&date_to=02/01/0001", "date_from=30/12/9999&date_to=31/12/9999"]
MESSAGE = "Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2099."
PAGES = ["reports:dashboard", "reports:weak_topics", "reports:audit_list"]
DOWNLOADS = ["reports:periodic_report", "reports:export_units", "reports:export_training"]
API = ["reports_api:units", "reports_api:trends", "reports_api:weak_topics"]


@pytest.mark.parametrize("query", EDGES)
@pytest.mark.parametrize("name", PAGES)
def test_a_page_shows_why_a_date_is_refused(organiser_client, name, query):
    response = organiser_client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize("query", EDGES)
@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_download_leaves_the_refused_date_out(organiser_client, name, query):
    assert organiser_client.get(f"{reverse(name)}?{query}").status_code == 200


@pytest.mark.parametrize("query", EDGES)
@pytest.mark.parametrize("name", API)
def test_the_api_answers_400_with_the_reason(organiser_client, name, query):
    response = organiser_client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == MESSAGE


def test_dates_inside_the_range_still_work(organiser_client):
    response = organiser_client.get(reverse("reports_api:units"), {"date_from": "01/01/2000", "date_to": "31/12/2004"})
    assert response.status_code == 200
