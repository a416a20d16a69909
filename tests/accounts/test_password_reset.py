import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_reset")


def test_it_mails_a_reset_link_to_an_account_with_that_email(client, staff_a):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    response = client.post(URL, {"email": "an.pham@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_it_stops_mailing_after_a_few_requests_for_one_address(client, staff_a):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    for _ in range(3):
        assert client.post(URL, {"email": "an.pham@example.vn"}).status_code == 302
    response = client.post(URL, {"email": "An.Pham@example.vn"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert len(mail.outbox) == 3
