"""A module's page: its lessons in order with what is read, the progress bar, "continue", the
quiz link once every lesson is read, and the certificate once complete."""

from django.urls import reverse

from quizzes.models import Audience
from tests.training.factories import assign, make_module, read_all, take_quiz
from training.models import ModuleStatus
from training.services import lesson_mark_read


def _url(module) -> str:
    return reverse("training:module_detail", args=[module.slug])


def test_it_shows_the_lessons_progress_and_the_next_lesson(staff_a_client, staff_a, module, lessons, assignment):
    lesson_mark_read(user=staff_a, lesson=lessons[0])
    response = staff_a_client.get(_url(module))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã học 1/3 bài (33%)" in html
    assert f'href="{lessons[1].get_absolute_url()}">Học tiếp từ chỗ đã dừng' in html
    assert "Bài kiểm tra sẽ mở khi bạn học xong tất cả các bài." in html
    assert reverse("quizzes:quiz_detail", args=[module.quiz.slug]) not in html


def test_the_quiz_link_appears_once_every_lesson_is_read(staff_a_client, staff_a, module, assignment):
    read_all(module, staff_a)
    html = staff_a_client.get(_url(module)).content.decode()
    assert reverse("quizzes:quiz_detail", args=[module.quiz.slug]) in html
    assert "Làm bài kiểm tra của học phần" in html


def test_a_completed_module_offers_its_certificate(staff_a_client, staff_a, module, assignment):
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    html = staff_a_client.get(_url(module)).content.decode()
    code = staff_a.module_completions.get().certificate.code
    assert "Bạn đã hoàn thành học phần này" in html
    assert reverse("training:certificate_download", args=[code]) in html
    assert reverse("training:certificate_verify", args=[code]) in html


def test_a_draft_module_is_not_found_with_a_clear_message(staff_a_client, unit_a):
    draft = make_module(status=ModuleStatus.DRAFT)
    assign(draft, unit_a)
    response = staff_a_client.get(_url(draft))
    assert response.status_code == 404
    assert "Học phần này chưa được phát hành hoặc không dành cho bạn." in response.content.decode()


def test_a_resident_cannot_open_a_staff_module(resident_client, module):
    assert resident_client.get(_url(module)).status_code == 404


def test_a_resident_can_open_a_module_for_everyone(resident_client):
    public = make_module(audience=Audience.BOTH)
    assert resident_client.get(_url(public)).status_code == 200


def test_an_unknown_module_is_not_found(staff_a_client, db):
    assert staff_a_client.get(reverse("training:module_detail", args=["khong-co"])).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, module):
    response = client.get(_url(module))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_only_answers_get(staff_a_client, module):
    assert staff_a_client.post(_url(module)).status_code == 405
