"""The organiser's contest pages (/contests/manage/…): each form's bad input comes back with a
Vietnamese message on its field and saves nothing; htmx gets the fragments; nobody but an
organiser opens them; the participation page opens on the organiser's commune."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, UnitKind
from accounts.roles import Role
from contests.authoring import contest_save, rounds_generate
from contests.closing import round_close
from contests.models import Contest, ContestAudience, Round
from tests.conftest import _client_for
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_unit, make_user
from tests.quizzes.attempt_factories import make_question, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    topic = make_topic("NQ76")
    for _n in range(3):
        make_question(topic=topic)
    return topic


def _contest_post(topic, **overrides) -> dict:
    data = {
        "title": "Tìm hiểu CCHC 2026", "slug": "cchc-2026", "description": "Cuộc thi trực tuyến.",
        "rules": "1. Đối tượng: người dân.\n2. **Mỗi tuần** một vòng.", "audience": ContestAudience.RESIDENTS,
        "min_age": "15", "prediction_kind": "participants", "ranking_rule": "prediction_first",
        "scoring_rule": "highest", "attempts_per_round": "2", "time_limit_minutes": "10",
        f"topic_{topic.pk}": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def contest(organiser, topic):
    return contest_save(actor=organiser, contest=Contest(title="Cuộc thi", slug="cuoc-thi"), counts={topic.pk: 2})


def _range(low: int, high: int) -> str:
    return _("Enter a number from %(min)s to %(max)s.") % {"min": low, "max": high}


def _field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_the_organiser_creates_a_contest(organiser_client, topic):
    response = organiser_client.post(reverse("contests:manage_create"), _contest_post(topic))
    contest = Contest.objects.get(slug="cchc-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:manage_contest", args=["cchc-2026"])
    assert (contest.audience, contest.min_age, contest.attempts_per_round, contest.time_limit_minutes) == (
        ContestAudience.RESIDENTS, 15, 2, 10)
    assert list(contest.draw_rules.values_list("topic_id", "count")) == [(topic.pk, 2)]
    assert not contest.is_published
    assert AuditEntry.objects.get(action="contest.create").object_id == str(contest.pk)
    page = organiser_client.get(reverse("contests:manage_contest", args=["cchc-2026"]))
    assert page.status_code == 200
    assert "Cuộc thi trực tuyến." in page.content.decode()  # the link preview's description


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "Give the contest a title."),
    ("slug", "Cuộc thi!", "Use only lower-case letters without accents, digits and dashes."),
    ("slug", "manage", "This web address is used by the site itself: choose another one."),
    ("audience", "everyone", "Choose who may take part from the list."),
    ("time_limit_minutes", "0", (1, 180)),
    ("attempts_per_round", "ba", "Enter a whole number."),
    ("min_age", "200", (1, 100)),
])
def test_bad_contest_input_is_refused_on_its_field(organiser_client, topic, field, value, message):
    response = organiser_client.post(reverse("contests:manage_create"), _contest_post(topic, **{field: value}))
    assert response.status_code == 400
    translated = _range(*message) if isinstance(message, tuple) else _(message)
    assert _field_errors(response, field) == [translated]
    assert translated.startswith(("Hãy", "Chỉ", "Địa chỉ"))  # in Vietnamese
    assert translated in response.content.decode()
    assert not Contest.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_draw_larger_than_the_pool_is_refused_on_the_topic(organiser_client, topic):
    make_question(topic=topic, audience="staff")  # not drawable for residents
    response = organiser_client.post(reverse("contests:manage_create"), _contest_post(topic, **{
        f"topic_{topic.pk}": "4"}))
    assert response.status_code == 400
    (message,) = _field_errors(response, f"topic_{topic.pk}")
    assert "3" in message and message.startswith("Chỉ có")
    assert not Contest.objects.exists()


def test_a_contest_must_draw_from_some_topic(organiser_client, topic):
    response = organiser_client.post(reverse("contests:manage_create"), _contest_post(topic, **{
        f"topic_{topic.pk}": "0"}))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        _("Choose how many questions each round draws from at least one topic.")]
    assert not Contest.objects.exists()


def test_a_taken_web_address_is_refused(organiser_client, topic, contest):
    response = organiser_client.post(reverse("contests:manage_create"), _contest_post(topic, slug="cuoc-thi"))
    assert _field_errors(response, "slug") == [_("Another contest already has this web address: choose another one.")]
    assert Contest.objects.count() == 1


def test_the_rules_preview_renders_markdown_and_saves_nothing(organiser_client, topic):
    url = reverse("contests:manage_create")
    fragment = organiser_client.post(url, {**_contest_post(topic), "preview": "1"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<strong>Mỗi tuần</strong>" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # Without JavaScript the button posts the whole form: the page comes back with the preview.
    page = organiser_client.post(url, {**_contest_post(topic), "preview": "1"})
    assert "<strong>Mỗi tuần</strong>" in page.content.decode() and "<html" in page.content.decode()
    assert not Contest.objects.exists()


def test_changing_the_audience_recounts_the_questions_per_topic(organiser_client, topic):
    make_question(topic=topic, audience="staff")
    url = reverse("contests:manage_create")
    residents = organiser_client.post(url, {**_contest_post(topic), "refresh": "1"}, headers={"HX-Request": "true"})
    staff = organiser_client.post(url, {**_contest_post(topic, audience="staff"), "refresh": "1"},
                                  headers={"HX-Request": "true"})
    assert 'id="draw-pools"' in residents.content.decode()
    assert "3 câu hỏi đã xuất bản" in residents.content.decode()
    assert "4 câu hỏi đã xuất bản" in staff.content.decode()
    assert not Contest.objects.exists()


def test_the_organiser_edits_a_contest(organiser_client, topic, contest):
    response = organiser_client.post(reverse("contests:manage_edit", args=["cuoc-thi"]),
                                     _contest_post(topic, slug="cuoc-thi", title="Cuộc thi mới"))
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Cuộc thi mới"
    assert AuditEntry.objects.filter(action="contest.update").count() == 1


def test_the_organiser_generates_weekly_rounds(organiser_client, contest):
    response = organiser_client.post(reverse("contests:manage_rounds_generate", args=["cuoc-thi"]),
                                     {"start": "04/01/2027", "count": "2"})
    assert response.status_code == 302
    rounds = list(contest.rounds.all())
    assert [timezone.localtime(r.opens_at).strftime("%d/%m/%Y %H:%M") for r in rounds] == [
        "04/01/2027 00:00", "11/01/2027 00:00"]
    assert [timezone.localtime(r.closes_at).strftime("%d/%m/%Y %H:%M") for r in rounds] == [
        "10/01/2027 23:59", "17/01/2027 23:59"]
    assert AuditEntry.objects.filter(action="contest.rounds_generate").exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"start": "31/02/2027", "count": "2"}, "start", "Enter a date as dd/mm/yyyy."),
    ({"start": "", "count": "2"}, "start", "Choose the first day of the first round."),
    ({"start": "04/01/2027", "count": "0"}, "count", (1, 52)),
])
def test_bad_generator_input_is_refused_on_its_field(organiser_client, contest, data, field, message):
    response = organiser_client.post(reverse("contests:manage_rounds_generate", args=["cuoc-thi"]), data)
    assert response.status_code == 400
    assert _field_errors(response, field) == [_range(*message) if isinstance(message, tuple) else _(message)]
    assert not Round.objects.exists()


def test_overlapping_generated_rounds_are_refused_on_the_start_date(organiser, organiser_client, contest):
    rounds_generate(actor=organiser, contest=contest, start=timezone.localdate(), count=1)
    response = organiser_client.post(reverse("contests:manage_rounds_generate", args=["cuoc-thi"]),
                                     {"start": timezone.localdate().strftime("%d/%m/%Y"), "count": "1"})
    assert response.status_code == 400
    assert _field_errors(response, "start") == [_("These rounds would overlap a round the contest already has.")]
    assert Round.objects.count() == 1


def test_a_round_that_closes_before_it_opens_is_refused(organiser, organiser_client, contest):
    (round_,) = rounds_generate(actor=organiser, contest=contest, start=timezone.localdate(), count=1)
    response = organiser_client.post(reverse("contests:manage_round", args=["cuoc-thi", 1]), {
        "title": "Tuần 1", "opens_at": "2027-01-10T00:00", "closes_at": "2027-01-04T23:59"})
    assert response.status_code == 400
    assert _field_errors(response, "closes_at") == [_("A round must close after it opens.")]
    stored = Round.objects.get(pk=round_.pk)
    assert (stored.title, stored.opens_at, stored.closes_at) == ("", round_.opens_at, round_.closes_at)
    assert not AuditEntry.objects.filter(action="contest.round_update").exists()


def test_the_organiser_edits_a_round(organiser, organiser_client, contest):
    rounds_generate(actor=organiser, contest=contest, start=timezone.localdate() + timedelta(days=7), count=1)
    response = organiser_client.post(reverse("contests:manage_round", args=["cuoc-thi", 1]), {
        "title": "Tuần thi thứ nhất", "opens_at": "04/01/2027 07:00", "closes_at": "2027-01-10T21:00"})
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.title == "Tuần thi thứ nhất"
    assert timezone.localtime(round_.closes_at).strftime("%d/%m/%Y %H:%M") == "10/01/2027 21:00"
    assert AuditEntry.objects.filter(action="contest.round_update").exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_prizes", "-1", (0, 100)),
    ("unit_min_participation_percent", "150", (0, 100)),
    ("unit_prizes", "", "This field is required."),
])
def test_bad_prize_input_is_refused_on_its_field(organiser_client, contest, field, value, message):
    data = {"first_prizes": "1", "second_prizes": "2", "third_prizes": "3", "consolation_prizes": "5",
            "unit_prizes": "2", "unit_min_participation_percent": "50", field: value}
    response = organiser_client.post(reverse("contests:manage_prizes", args=["cuoc-thi"]), data)
    assert response.status_code == 400
    assert _field_errors(response, field) == [_range(*message) if isinstance(message, tuple) else _(message)]
    contest.refresh_from_db()
    assert (contest.consolation_prizes, contest.individual_prizes) == (0, 3)


def test_the_organiser_sets_the_prizes(organiser_client, contest):
    response = organiser_client.post(reverse("contests:manage_prizes", args=["cuoc-thi"]), {
        "first_prizes": "1", "second_prizes": "2", "third_prizes": "3", "consolation_prizes": "5",
        "unit_prizes": "2", "unit_min_participation_percent": "50", "exclude_organisers_from_prizes": "on"})
    assert response.status_code == 302
    contest.refresh_from_db()
    assert (contest.individual_prizes, contest.unit_prizes, contest.unit_min_participation_percent) == (11, 2, 50)


def test_publish_is_refused_without_rounds_then_allowed(organiser, organiser_client, contest):
    url = reverse("contests:manage_publish", args=["cuoc-thi"])
    refused = organiser_client.post(url, {"action": "publish"}, follow=True)
    assert _("Add the contest's rounds before publishing it.") in refused.content.decode()
    contest.refresh_from_db()
    assert not contest.is_published
    rounds_generate(actor=organiser, contest=contest, start=timezone.localdate(), count=1)
    organiser_client.post(url, {"action": "publish"})
    contest.refresh_from_db()
    assert contest.is_published
    organiser_client.post(url, {"action": "unpublish"})
    contest.refresh_from_db()
    assert not contest.is_published


PAGES = [
    ("contests:manage_list", []), ("contests:manage_create", []), ("contests:manage_contest", ["cuoc-thi"]),
    ("contests:manage_edit", ["cuoc-thi"]), ("contests:manage_prizes", ["cuoc-thi"]),
    ("contests:manage_rounds_generate", ["cuoc-thi"]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_only_organisers_open_the_pages(organiser_client, manager_client, resident_client, client, contest,
                                        name, args):
    url = reverse(name, args=args)
    assert organiser_client.get(url).status_code == 200
    assert manager_client.get(url).status_code == 404
    assert resident_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page


def test_a_unit_manager_cannot_change_anything(manager_client, contest, topic):
    assert manager_client.post(reverse("contests:manage_publish", args=["cuoc-thi"]),
                               {"action": "publish"}).status_code == 404
    assert manager_client.post(reverse("contests:manage_create"), _contest_post(topic)).status_code == 404
    assert manager_client.get(reverse("contests:manage_round", args=["cuoc-thi", 1])).status_code == 404
    contest.refresh_from_db()
    assert not contest.is_published
    assert Contest.objects.count() == 1


def test_the_participation_page_opens_on_the_organisers_commune(topic):
    province = make_unit("Tỉnh Thử", kind=UnitKind.PROVINCE)
    home = make_unit("Xã Nhà", kind=UnitKind.COMMUNE, parent=province)
    other = make_unit("Xã Khác", kind=UnitKind.COMMUNE, parent=province)
    make_unit("Thôn Nhà", kind=UnitKind.VILLAGE, parent=home)
    make_unit("Thôn Khác", kind=UnitKind.VILLAGE, parent=other)
    department = make_unit("Phòng Văn hóa - Xã hội", kind=UnitKind.DEPARTMENT, parent=home)
    organiser = make_user(role=Role.ORGANISER, unit=department)
    contest = contest_save(actor=organiser, contest=Contest(title="Thi", slug="thi"), counts={topic.pk: 1})
    rounds_generate(actor=organiser, contest=contest, start=timezone.localdate(), count=1)
    client = _client_for(organiser)
    url = reverse("contests:participation", args=["thi", 1])
    page = client.get(url)
    assert page.context["root"] == home
    assert {row.unit.name for row in page.context["rows"]} == {"Thôn Nhà", "Phòng Văn hóa - Xã hội"}
    widened = client.get(url, {"unit": province.pk})
    assert {row.unit.name for row in widened.context["rows"]} == {"Xã Nhà", "Xã Khác"}


def test_the_link_preview_picture_is_a_png_named_in_the_open_graph_tags(client, contest):
    contest.is_published = True
    contest.save()
    page = client.get(reverse("contests:contest_detail", args=["cuoc-thi"])).content.decode()
    assert '<meta property="og:image" content="http://testserver/contests/cuoc-thi/share.png">' in page
    picture = client.get(reverse("contests:share_image", args=["cuoc-thi"]))
    assert picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")
    # 1200 × 630, as Zalo and Facebook expect (the IHDR chunk's width and height).
    assert (int.from_bytes(picture.content[16:20]), int.from_bytes(picture.content[20:24])) == (1200, 630)


def test_a_draft_contest_has_no_public_picture(client, contest):
    assert client.get(reverse("contests:share_image", args=["cuoc-thi"])).status_code == 404


def test_the_winners_page_names_each_prize_by_its_rank(organiser, village, client):
    contest = make_contest(slug="giai", first_prizes=1, second_prizes=1, third_prizes=0, individual_prizes=2)
    round_ = make_round(contest)
    for correct in (3, 2):
        take(round_, make_user(role=Role.RESIDENT, unit=village, birth_year=1990), correct=correct, seconds=10)
    round_.opens_at, round_.closes_at = NOW - timedelta(days=8), NOW - timedelta(days=1)
    round_.save()
    round_close(round_=round_, actor=organiser)
    html = client.get(reverse("contests:winners", args=["giai", round_.number])).content.decode()
    assert "1 · Giải Nhất" in html and "2 · Giải Nhì" in html


def test_the_contest_list_reads_in_a_fixed_number_of_queries(organiser, organiser_client, topic,
                                                            django_assert_num_queries):
    for n in range(3):
        contest = contest_save(actor=organiser, contest=Contest(title=f"Thi {n}", slug=f"thi-{n}"),
                               counts={topic.pk: 1})
        rounds_generate(actor=organiser, contest=contest, start=timezone.localdate(), count=2)
    # session, user, permissions (2), contests, their rounds: none per contest or round.
    with django_assert_num_queries(6):
        response = organiser_client.get(reverse("contests:manage_list"))
    assert response.content.decode().count("2 vòng thi") == 3
