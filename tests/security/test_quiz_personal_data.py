"""A person's quiz and contest attempts are personal data too: the "My data" download (issue 2:
"A person can see, download (JSON) and delete their data") includes them with the address and
browser fingerprint recorded at the start, and deleting the account erases those two from the
attempts that are kept for the aggregate results."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_anonymise
from quizzes.models import Attempt
from tests.contests.helpers import make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_data_download")


@pytest.fixture
def played(village):
    round_ = make_round()
    person = make_user(role=Role.RESIDENT, unit=village, full_name="Đỗ Thị Hạnh")
    other = make_user(role=Role.RESIDENT, unit=village)
    attempt = take(round_, person, correct=2, seconds=40, prediction=17)
    take(round_, other, correct=1, seconds=50, prediction=3)
    Attempt.objects.update(client_ip="198.51.100.7", client_fingerprint="f" * 32)
    return person, attempt, round_


def test_it_puts_the_persons_attempts_in_their_data_download(played):
    person, attempt, round_ = played
    client = Client()
    client.force_login(person, backend="accounts.backends.PhoneOrEmailBackend")
    data = json.loads(client.get(URL).content)
    assert [a["id"] for a in data["quiz_attempts"]] == [attempt.pk]
    entry = data["quiz_attempts"][0]
    assert entry["quiz"] == round_.quiz.title
    assert (entry["score"], entry["questions"], entry["status"]) == (2, 3, "submitted")
    assert (entry["client_ip"], entry["client_fingerprint"]) == ("198.51.100.7", "f" * 32)
    # The prediction is the contests app's to give, in a section of its own (accounts.signals.personal_data).
    assert "contest_prediction" not in entry
    assert [(p["attempt"], p["value"]) for p in data["contest_predictions"]] == [(attempt.pk, 17)]
    assert len(entry["answers"]) == 3 and "correct" not in json.dumps(entry["answers"])


def test_deleting_the_account_erases_the_address_and_fingerprint_of_its_attempts(played):
    person, attempt, _round = played
    user_anonymise(user=person)
    attempt.refresh_from_db()
    assert (attempt.client_ip, attempt.client_fingerprint) == (None, "")
    assert attempt.score == 2  # the result itself stays in the aggregates
    assert Attempt.objects.exclude(user=person).exclude(client_fingerprint="").exists()
