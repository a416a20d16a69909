"""The organiser's question list: filters validated by a form, 50 questions a page."""

import pytest
from django.urls import reverse

from quizzes.models import Difficulty, QuestionStatus, QuestionType
from tests.quizzes.bank_helpers import make_question, make_topic

URL = reverse("quizzes:bank_question_list")


@pytest.fixture
def bank(db):
    nq76 = make_topic("Nghị quyết 76/NQ-CP", slug="nq76")
    dvc = make_topic("Dịch vụ công trực tuyến", slug="dvc")
    return {
        "published": make_question(topic=nq76, text="Nghị quyết 76 được ban hành ngày nào?"),
        "draft": make_question(topic=nq76, text="Giai đoạn cải cách của nghị quyết?", status=QuestionStatus.DRAFT,
                               difficulty=Difficulty.HARD),
        "multiple": make_question(topic=dvc, text="Những kênh nộp hồ sơ trực tuyến?", type=QuestionType.MULTIPLE,
                                  audience="public", source="Luật 2023, Điều 5",
                                  choices=[("Cổng DVC", True), ("VNeID", True), ("Fax", False)]),
        "nq76": nq76, "dvc": dvc,
    }


def _texts(response) -> list[str]:
    return [q.text for q in response.context["page"].object_list]


def test_it_lists_every_question_with_its_topic(organiser_client, bank):
    response = organiser_client.get(URL)
    assert response.status_code == 200
    assert len(_texts(response)) == 3
    assert "Nghị quyết 76/NQ-CP" in response.content.decode()
    assert "Dịch vụ công trực tuyến" in response.content.decode()


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "draft"}, ["draft"]),
    ({"difficulty": "hard"}, ["draft"]),
    ({"type": "multiple"}, ["multiple"]),
    ({"audience": "public"}, ["multiple"]),
    ({"q": "ban hành"}, ["published"]),
    ({"q": "Điều 5"}, ["multiple"]),  # the source reference is searched too
    ({"status": "published", "type": "single"}, ["published"]),
])
def test_it_filters_by_status_difficulty_type_audience_and_words(organiser_client, bank, params, expected):
    response = organiser_client.get(URL, params)
    assert sorted(_texts(response)) == sorted(bank[key].text for key in expected)


def test_it_filters_by_topic(organiser_client, bank):
    response = organiser_client.get(URL, {"topic": bank["dvc"].pk})
    assert _texts(response) == [bank["multiple"].text]


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"topic": "abc"}, "topic", "Chủ đề này không tồn tại"),
    ({"topic": "99999"}, "topic", "Chủ đề này không tồn tại"),
    ({"status": "deleted"}, "status", "“deleted” không có trong danh sách lựa chọn"),
    ({"difficulty": "<script>"}, "difficulty", "“<script>” không có trong danh sách lựa chọn"),
    ({"type": "essay"}, "type", "“essay” không có trong danh sách lựa chọn"),
    ({"audience": "x" * 500}, "audience", "không có trong danh sách lựa chọn"),
    ({"q": "x" * 201}, "q", "Chỉ tìm tối đa 200 ký tự"),
    ({"page": "-3"}, "page", "Số trang phải là số nguyên từ 1 trở lên"),
    ({"page": "abc"}, "page", "Số trang phải là số nguyên từ 1 trở lên"),
])
def test_it_reports_junk_filters_on_the_form_instead_of_failing(organiser_client, bank, params, field, message):
    response = organiser_client.get(URL, params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    # The junk filter is ignored: the list still shows the bank.
    assert len(_texts(response)) == 3


def test_it_keeps_the_valid_filters_when_another_is_junk(organiser_client, bank):
    response = organiser_client.get(URL, {"status": "draft", "type": "essay"})
    assert "type" in response.context["form"].errors
    assert _texts(response) == [bank["draft"].text]


def test_it_shows_fifty_questions_a_page_in_a_fixed_number_of_queries(organiser_client, django_assert_num_queries,
                                                                       db):
    topic = make_topic()
    for n in range(120):
        make_question(topic=topic, text=f"Câu hỏi số {n}", choices=[("Đúng", True), ("Sai", False)])
    # session, user, the organiser's permissions (2), the count, the page, the topic filter's options
    with django_assert_num_queries(7):
        response = organiser_client.get(URL)
    assert len(_texts(response)) == 50
    assert response.context["page"].paginator.num_pages == 3
    with django_assert_num_queries(7):
        last = organiser_client.get(URL, {"page": 3})
    assert len(_texts(last)) == 20
    # A page past the end shows the last page rather than an error.
    assert organiser_client.get(URL, {"page": 99}).context["page"].number == 3


def test_pagination_links_keep_the_filters(organiser_client, db):
    topic = make_topic()
    for n in range(55):
        make_question(topic=topic, text=f"Câu {n}", status=QuestionStatus.DRAFT)
    html = organiser_client.get(URL, {"status": "draft"}).content.decode()
    assert "?status=draft&amp;page=2" in html


def test_an_htmx_request_gets_only_the_rows(organiser_client, bank):
    response = organiser_client.get(URL, {"status": "draft"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert bank["draft"].text in html
    assert "<html" not in html and "<form" not in html


def test_question_text_is_shown_as_text_in_the_list(organiser_client, db):
    make_question(text="<script>alert(1)</script> câu hỏi")
    html = organiser_client.get(URL).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; câu hỏi" in html
