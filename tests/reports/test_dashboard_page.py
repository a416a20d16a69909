"""The dashboard page: filters, headline figures, the unit table with sort links, weak topics,
trends, for organisers and (limited to their subtree) unit managers."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, UnitKind
from accounts.roles import Role
from reports.tallies import tallies_update
from tests.factories import make_unit, make_user
from tests.reports.scenario import PERIOD, _attempt, _standing, at

URL = reverse("reports:dashboard")
WEAK = reverse("reports:weak_topics")


def _cells(body: str, row_label: str) -> list[str]:
    row = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(row_label) + r"(?:(?!</tr>).)*</tr>", body, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def test_it_shows_the_periods_figures(organiser_client, scenario):
    response = organiser_client.get(URL, PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kỳ 01/03/2025 – 31/03/2025" in body
    assert re.search(r"<dt>Lượt dự thi</dt><dd>4</dd>", body)
    assert re.search(r"<dt>Điểm trung bình \(%\)</dt><dd>62,5</dd>", body)
    assert re.search(r"<dt>Giấy chứng nhận đã cấp</dt><dd>1</dd>", body)
    assert _cells(body, ">Phòng A</a>") == ["2", "Phòng A", "5", "50,0", "20,0", "50,0", "+20,0", "–"]
    assert _cells(body, ">Thôn Một</a>") == ["3", "Thôn Một", "50", "–", "2,0", "50,0", "0,0", "+25,0"]


def test_it_loads_the_weak_topics_separately_with_a_link_that_works_without_javascript(organiser_client, scenario,
                                                                                         commune):
    body = organiser_client.get(URL, PERIOD).content.decode()
    weak = body[body.index('id="weak"'):body.index('id="trends"')]
    # The filters as shown, the unit the page opened on (the organiser's commune) included.
    query = f"date_from=01%2F03%2F2025&amp;date_to=31%2F03%2F2025&amp;unit={commune.pk}"
    assert f'hx-get="/reports/weak-topics/?{query}"' in weak
    assert f'<a href="/reports/weak-topics/?{query}">' in weak


def test_the_weak_topics_mark_the_weakest_cells_with_text_not_only_colour(organiser_client, scenario):
    body = organiser_client.get(WEAK, PERIOD).content.decode()
    assert "<h1>Chủ đề còn yếu</h1>" in body
    village = _cells(body, "<th scope=\"row\">Thôn Một</th>")
    assert village[1].startswith("75,0") and village[2].startswith("▼ 25,0")
    assert 'class="num heat-3"' in body  # 25 %: the shade of 30 %, a class (no style attribute under the CSP)
    assert "Câu hỏi 4?" in body and "Giải thích 4." in body


def test_the_weak_topics_fragment_for_htmx(organiser_client, scenario):
    body = organiser_client.get(WEAK, PERIOD, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in body and "▼ </span>25,0" in body


def test_the_weak_topics_are_scoped_and_guarded(manager_client, staff_a_client, client, organiser_client, scenario):
    body = manager_client.get(WEAK, PERIOD).content.decode()
    assert "Thôn Một" not in body and "Phòng A" in body
    assert staff_a_client.get(WEAK).status_code == 404
    assert client.get(WEAK).status_code == 302
    assert organiser_client.post(WEAK).status_code == 405


def test_it_draws_the_trends_as_svg_with_their_table(organiser_client, scenario):
    body = organiser_client.get(URL, PERIOD).content.decode()
    assert body.count('<svg class="chart"') == 2
    assert "Tìm hiểu CCHC 2025 — Tuần thi 1" in body
    assert _cells(body, "<th scope=\"row\">Tìm hiểu CCHC 2025 — Tuần thi 1</th>")[:5] == [
        "Tìm hiểu CCHC 2025 — Tuần thi 1", "2", "1", "3,0", "75,0"]


def test_it_sorts_by_a_validated_column(organiser_client, scenario):
    body = organiser_client.get(URL, {**PERIOD, "sort": "-headcount"}).content.decode()
    table = body[body.index('class="unit-table stack"'):]
    assert table.index(">Thôn Một</a>") < table.index(">Phòng A</a>") < table.index(">Xã Thử Nghiệm</a>")
    assert 'aria-sort="descending"' in table


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "32/01/2025"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"date_from": "31/03/2025", "date_to": "01/03/2025"}, "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu"),
    ({"unit": "abc"}, "Đơn vị này không tồn tại hoặc nằm ngoài phạm vi"),
    ({"module": "999999"}, "Chuyên đề này không tồn tại"),
    ({"contest": "999999"}, "Cuộc thi này không tồn tại"),
    ({"audience": "aliens"}, "không có trong danh sách lựa chọn"),
    ({"sort": "password"}, "Không thể sắp xếp bảng theo"),
])
def test_it_explains_bad_filters_and_changes_nothing(organiser_client, scenario, params, message):
    before = AuditEntry.objects.count()
    response = organiser_client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_a_unit_manager_sees_only_their_subtree(manager_client, scenario, unit_a):
    body = manager_client.get(URL, PERIOD).content.decode()
    assert "Phòng A" in body and ">Phòng B</a>" not in body and ">Thôn Một</a>" not in body
    assert re.search(r"<dt>Lượt dự thi</dt><dd>1</dd>", body)


def test_a_unit_manager_cannot_pick_another_unit(manager_client, scenario, unit_b):
    body = manager_client.get(URL, {**PERIOD, "unit": unit_b.pk}).content.decode()
    assert "Đơn vị này không tồn tại hoặc nằm ngoài phạm vi" in body
    assert ">Phòng B</a>" not in body


def _more_people_and_answers(scenario, commune) -> None:
    """Ten more villages, each with a resident who took round 1 and answered all four questions."""
    round_1 = scenario.rounds[1]
    for n in range(10):
        village = make_unit(f"Thôn Thêm {n}", kind=UnitKind.VILLAGE, parent=commune, headcount=20)
        person = make_user(role=Role.RESIDENT, unit=village)
        attempt = _attempt(round_1.quiz, person, at(5), "1010", scenario.questions, staff=False)
        _standing(round_1, person, attempt, staff=False)
    tallies_update(everything=True)


# Session, user, two permission look-ups, the root unit (twice: the access check, then the view),
# the units, then the figures (assignments, staff, completions, members, entries per unit, and the
# first three again for the previous period; entries per round and score, certificates per
# module, rounds, attempts from their tally, certificates, when the tallies were counted) and the
# filter form's choices; the organiser's own unit and its commune (accounts.roles.default_unit) and the
# unit the filter holds. None per unit, person, entry or answer, and no write.
DASHBOARD_QUERIES = 27
# Session, user, two permission look-ups, the root unit twice, the units, then the answer tally
# per unit and topic, the topics, its five most missed questions, those questions, the topics open
# contest rounds draw from, and when the tallies were counted; the person's own unit and its
# commune, the unit the filter holds.
WEAK_QUERIES = 15


def test_it_runs_a_fixed_number_of_queries(organiser_client, scenario, commune, django_assert_num_queries):
    with django_assert_num_queries(DASHBOARD_QUERIES):
        organiser_client.get(URL, PERIOD)
    _more_people_and_answers(scenario, commune)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        body = organiser_client.get(URL, PERIOD).content.decode()
    assert re.search(r"<dt>Lượt dự thi</dt><dd>14</dd>", body)


def test_the_weak_topics_run_a_fixed_number_of_queries(organiser_client, scenario, commune,
                                                       django_assert_num_queries):
    with django_assert_num_queries(WEAK_QUERIES):
        organiser_client.get(WEAK, PERIOD, headers={"HX-Request": "true"})
    _more_people_and_answers(scenario, commune)
    with django_assert_num_queries(WEAK_QUERIES):
        body = organiser_client.get(WEAK, PERIOD, headers={"HX-Request": "true"}).content.decode()
    # T1: 6 of 8 answers right before, then 10 of 20 more ("1010"): 16 of 28 = 57.1 %.
    assert "57,1 <small>(28)</small>" in body


def test_it_refuses_other_methods(organiser_client):
    assert organiser_client.post(URL).status_code == 405


def test_it_sends_anonymous_people_to_log_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("who", ["staff_a_client", "resident_client"])
def test_it_is_hidden_from_staff_and_residents(request, who):
    assert request.getfixturevalue(who).get(URL).status_code == 404


def test_explanations_of_questions_an_open_round_can_draw_are_for_organisers_only(
        manager_client, organiser_client, scenario):
    # Unit managers and staff take part in contests: an explanation gives the answer away.
    from datetime import timedelta

    from django.utils import timezone

    from contests.models import Round
    from quizzes.models import Question

    managers_page = manager_client.get(WEAK, PERIOD).content.decode()
    shown = [q for q in Question.objects.all() if q.explanation and q.explanation in managers_page]
    assert shown, "the scenario's most missed questions show their explanations while no round is open"
    question = shown[0]
    round_ = Round.objects.first()
    round_.quiz.draw_rules.get_or_create(topic=question.topic, defaults={"count": 1})
    # The scenario's questions are drafts: published, a round's draw rule can pick this one
    # (contests/fairness.py, the pool: what a round's quiz can draw).
    Question.objects.filter(pk=question.pk).update(status="published")
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    withheld = "Phần giải thích sẽ hiện khi các vòng thi có thể rút câu hỏi này đã kết thúc."
    managers_page = manager_client.get(WEAK, PERIOD).content.decode()
    organisers_page = organiser_client.get(WEAK, PERIOD).content.decode()
    assert withheld in managers_page and question.explanation not in managers_page
    assert question.explanation in organisers_page and withheld not in organisers_page
