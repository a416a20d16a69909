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


@pytest.mark.parametrize("typed", ["AN.PHAM@example.vn", "ａｎ.ｐｈａｍ＠example.vn"])
def test_the_address_is_read_as_the_login_reads_it(client, staff_a, typed):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    assert client.post(URL, {"email": typed}).status_code == 302
    assert [m.to for m in mail.outbox] == [["an.pham@example.vn"]]


def test_the_phone_of_an_account_with_an_email_sends_the_link_to_that_email(client, staff_a):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    typed = "+84 " + staff_a.phone[1:4] + " " + staff_a.phone[4:]
    assert client.post(URL, {"email": typed}).status_code == 302
    assert [m.to for m in mail.outbox] == [["an.pham@example.vn"]]


def test_an_account_without_email_gets_nothing_and_the_page_says_the_same(client, resident):
    response = client.post(URL, {"email": resident.phone})
    assert response.status_code == 302
    assert mail.outbox == []


def test_something_that_is_neither_a_phone_nor_an_email_is_refused_on_the_field(client):
    response = client.post(URL, {"email": "không biết"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []
