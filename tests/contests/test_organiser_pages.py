"""Organiser pages: live participation per unit and per hour, and the close button."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import Role
from contests.models import Standing
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_user
from tests.taskqueue import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(village):
    round_ = make_round(make_contest(slug="to-chuc"))
    for n in range(3):
        take(round_, make_user(role=Role.RESIDENT, unit=village), correct=n, seconds=10 + n, prediction=3)
    round_.opens_at = NOW - timedelta(days=8)
    round_.closes_at = NOW - timedelta(days=1)
    round_.save()
    return round_


def _url(name, round_):
    return reverse(name, args=[round_.contest.slug, round_.number])


def test_the_organiser_sees_participation_per_unit_and_hour(organiser_client, ended, django_assert_num_queries):
    response = organiser_client.get(_url("contests:participation", ended))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thôn Một" in html and "3 / 50" in html
    assert "Kết thúc vòng thi và tính xếp hạng chung cuộc" in html


def test_the_participation_page_reads_in_a_fixed_number_of_queries(organiser_client, ended,
                                                                   django_assert_num_queries):
    # session, user, permissions (2), contest, round, the organiser's scope (default_unit: root,
    # their unit, their commune), subtree units, unit standings, per hour, participants, figure,
    # the unit filter's choices, the latest close run, the undecided flags, assisted attempts (with
    # their people, one query): none per participant.
    with django_assert_num_queries(18):
        organiser_client.get(_url("contests:participation", ended))


def test_the_close_button_closes_and_shows_the_winners(organiser_client, ended):
    organiser_client.post(_url("contests:close_round", ended))
    # The task queue's worker computes it (tests/contests/test_round_closing.py).
    assert run_queued_tasks() == ["done"]
    response = organiser_client.get(_url("contests:winners", ended))
    ended.refresh_from_db()
    assert ended.snapshot_sha256 in response.content.decode()
    assert ended.actual_figure == 3
    assert set(Standing.objects.values_list("final_rank", flat=True)) == {1, 2, 3}
    assert AuditEntry.objects.filter(action="contest.round_close").exists()


def test_closing_an_open_round_is_refused_and_changes_nothing(organiser_client, resident):
    round_ = make_round(make_contest(slug="dang-mo"))
    take(round_, resident, correct=1, seconds=10)
    response = organiser_client.post(_url("contests:close_round", round_), follow=True)
    assert "Chỉ có thể tính xếp hạng chung cuộc sau khi vòng thi kết thúc." in response.content.decode()
    round_.refresh_from_db()
    assert round_.closed_at is None
    assert Standing.objects.get().final_rank is None


@pytest.mark.parametrize("persona", ["resident_client", "staff_a_client", "manager_client"])
def test_other_people_may_neither_watch_nor_close(request, ended, persona):
    client = request.getfixturevalue(persona)
    assert client.get(_url("contests:participation", ended)).status_code == 403
    assert client.post(_url("contests:close_round", ended)).status_code == 403
    ended.refresh_from_db()
    assert ended.closed_at is None


def test_anonymous_people_are_sent_to_log_in(client, ended):
    assert "login" in client.get(_url("contests:participation", ended)).url
    assert "login" in client.post(_url("contests:close_round", ended)).url


def test_wrong_methods(organiser_client, ended):
    assert organiser_client.get(_url("contests:close_round", ended)).status_code == 405
    assert organiser_client.post(_url("contests:participation", ended)).status_code == 405
