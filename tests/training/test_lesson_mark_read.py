""""Tôi đã đọc xong": a POST that records the lesson; htmx swaps the progress fragment in place,
a plain form goes on to the next lesson. Out of order, draft, or foreign: refused, nothing kept."""

from django.urls import reverse

from tests.training.factories import assign, make_module
from training.models import LessonProgress, ModuleStatus
from training.services import lesson_mark_read


def _url(lesson) -> str:
    return reverse("training:lesson_mark_read", args=[lesson.module.slug, lesson.slug])


def test_without_javascript_it_records_and_goes_to_the_next_lesson(staff_a_client, staff_a, lessons, assignment):
    response = staff_a_client.post(_url(lessons[0]))
    assert response.status_code == 302 and response["Location"] == lessons[1].get_absolute_url()
    assert LessonProgress.objects.filter(user=staff_a, lesson=lessons[0]).exists()


def test_after_the_last_lesson_it_goes_back_to_the_module(staff_a_client, staff_a, module, lessons, assignment):
    for lesson in lessons[:-1]:
        lesson_mark_read(user=staff_a, lesson=lesson)
    response = staff_a_client.post(_url(lessons[-1]))
    assert response["Location"] == module.get_absolute_url()


def test_with_htmx_it_answers_the_progress_fragment_with_the_bar_moved(staff_a_client, lessons, assignment):
    response = staff_a_client.post(_url(lessons[0]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="lesson-progress"') and "<html" not in html
    assert 'value="33"' in html and "Bạn đã đọc xong bài này." in html
    assert "Bài tiếp theo: Bài 2" in html


def test_out_of_order_is_refused_with_a_clear_message_and_nothing_recorded(staff_a_client, staff_a, lessons,
                                                                         assignment):
    response = staff_a_client.post(_url(lessons[1]))
    assert response.status_code == 409
    assert "Các bài được học theo thứ tự: hãy học xong “Bài 1” trước." in response.content.decode()
    assert not LessonProgress.objects.filter(user=staff_a).exists()


def test_a_lesson_of_a_draft_module_is_refused_and_nothing_recorded(staff_a_client, unit_a):
    draft = make_module(status=ModuleStatus.DRAFT)
    assign(draft, unit_a)
    response = staff_a_client.post(_url(draft.lessons.first()))
    assert response.status_code == 404
    assert "Học phần này chưa được phát hành hoặc không dành cho bạn." in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_a_module_neither_assigned_nor_for_the_learners_audience_is_refused(resident_client, lessons):
    response = resident_client.post(_url(lessons[0]))
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_anonymous_people_are_sent_to_log_in_and_nothing_is_recorded(client, lessons):
    response = client.post(_url(lessons[0]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not LessonProgress.objects.exists()


def test_it_only_answers_post(staff_a_client, lessons, assignment):
    assert staff_a_client.get(_url(lessons[0])).status_code == 405
    assert not LessonProgress.objects.exists()


def test_continue_leads_to_the_first_unread_lesson_of_the_module_last_worked_on(staff_a_client, staff_a,
                                                                               lessons, assignment):
    lesson_mark_read(user=staff_a, lesson=lessons[0])
    response = staff_a_client.get(reverse("training:continue"))
    assert response["Location"] == lessons[1].get_absolute_url()


def test_continue_without_any_module_goes_back_to_the_list(resident_client):
    assert resident_client.get(reverse("training:continue"))["Location"] == reverse("training:module_list")
