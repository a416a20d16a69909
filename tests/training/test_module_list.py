"""The learner's "Việc cần làm": assigned modules with due dates (overdue first), then the other
published modules of their audience, and their certificates."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from quizzes.models import Audience
from tests.training.factories import assign, make_module, read_all, take_quiz
from training.models import ModuleStatus

URL = reverse("training:module_list")


def test_it_lists_assigned_modules_with_due_dates_overdue_first(staff_a_client, unit_a, commune):
    later = make_module(title="Học phần hạn sau")
    overdue = make_module(title="Học phần quá hạn")
    assign(later, unit_a, days=20)
    assign(overdue, commune, due=timezone.localdate() - timedelta(days=1))
    response = staff_a_client.get(URL)
    assert response.status_code == 200
    todo = [m.title for m in response.context["todo"]]
    assert todo == ["Học phần quá hạn", "Học phần hạn sau"]
    html = response.content.decode()
    assert "Việc cần làm" in html and "Quá hạn" in html
    due = (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")
    assert f"Hạn hoàn thành: {due}" in html


def test_other_published_modules_of_the_audience_follow_and_drafts_never_show(staff_a_client, module):
    make_module(title="Học phần nháp", status=ModuleStatus.DRAFT)
    make_module(title="Học phần cho người dân", audience=Audience.PUBLIC)
    response = staff_a_client.get(URL)
    assert [m.title for m in response.context["others"]] == ["Nghị quyết 76/NQ-CP"]
    assert "Học phần nháp" not in response.content.decode()
    assert "Học phần cho người dân" not in response.content.decode()


def test_a_completed_module_sinks_to_the_end_and_its_certificate_is_listed(staff_a_client, staff_a, unit_a,
                                                                           module, assignment):
    other = make_module(title="Học phần khác")
    assign(other, unit_a, days=30)
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    response = staff_a_client.get(URL)
    assert [m.title for m in response.context["todo"]] == ["Học phần khác", "Nghị quyết 76/NQ-CP"]
    certificate = staff_a.module_completions.get().certificate
    assert reverse("training:certificate_download", args=[certificate.code]) in response.content.decode()


def test_the_progress_bar_counts_the_lessons_read(staff_a_client, staff_a, module, lessons, assignment):
    from training.services import lesson_mark_read

    lesson_mark_read(user=staff_a, lesson=lessons[0])
    html = staff_a_client.get(URL).content.decode()
    assert 'value="33"' in html
    assert "Đã học 1/3 bài (33%)" in html
    assert reverse("training:continue") in html


def test_the_list_takes_a_fixed_number_of_queries(staff_a_client, unit_a, commune, django_assert_num_queries):
    for n in range(4):
        assign(make_module(), unit_a if n % 2 else commune, days=n + 1)
    make_module()
    # session, user, 2 × permissions and groups (the role), unit, modules with progress, due dates,
    # certificates: the same for 5 modules as for 50.
    with django_assert_num_queries(9):
        response = staff_a_client.get(URL)
    assert len(response.context["todo"]) == 4 and len(response.context["others"]) == 1


def test_anonymous_people_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_only_answers_get(staff_a_client):
    assert staff_a_client.post(URL).status_code == 405
