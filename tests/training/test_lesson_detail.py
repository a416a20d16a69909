"""A lesson's page: the body as sanitised Markdown, the "Nguồn" section, the video as a plain
link, the PDF through its own view, and the "Tôi đã đọc xong" button only where it applies."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.training.factories import make_lesson, make_module
from training.models import Lesson
from training.services import lesson_mark_read


def _url(lesson) -> str:
    return reverse("training:lesson_detail", args=[lesson.module.slug, lesson.slug])


def test_it_renders_the_body_the_sources_and_the_button(staff_a_client, lessons, assignment):
    lesson = lessons[0]
    lesson.body = "## Mục tiêu\n\n| Chỉ tiêu | 2025 |\n|---|---|\n| DVC | 80% |\n\n**Quan trọng**"
    lesson.video_url = "https://www.youtube.com/watch?v=abc"
    lesson.save()
    response = staff_a_client.get(_url(lesson))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Mục tiêu</h2>" in html and "<td>80%</td>" in html and "<strong>Quan trọng</strong>" in html
    assert '<h2 id="sources-title">Nguồn</h2>' in html and "Nghị quyết 76/NQ-CP ngày 15/7/2021." in html
    assert 'href="https://www.youtube.com/watch?v=abc"' in html and "<iframe" not in html
    assert "Tôi đã đọc xong" in html
    assert reverse("training:lesson_mark_read", args=[lesson.module.slug, lesson.slug]) in html


def test_scripts_javascript_links_and_raw_html_never_reach_the_page(staff_a_client, module, assignment):
    lesson = make_lesson(module=module, order=9, body=(
        "<script>alert('x')</script>\n\n[bấm vào đây](javascript:alert(1))\n\n"
        '<img src="x" onerror="alert(1)">\n\n![ảnh](data:image/png;base64,AAAA)'
    ))
    html = staff_a_client.get(_url(lesson)).content.decode()
    body = html.split('class="lesson-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body and "javascript:" not in body
    assert "&lt;script&gt;" in body  # shown as text, never run
    assert "&lt;img" in body  # the raw tag, as text
    assert "data:" not in body and '<img src="x"' not in body  # the embedded image has no source left


def test_large_images_are_fitted_to_the_screen_and_loaded_lazily(staff_a_client, module, assignment):
    lesson = make_lesson(module=module, order=9, body="![sơ đồ lớn](https://example.vn/rat-lon.png)")
    html = staff_a_client.get(_url(lesson)).content.decode()
    body = html.split('class="lesson-body">', 1)[1].split("</div>", 1)[0]
    assert '<img alt="sơ đồ lớn" src="https://example.vn/rat-lon.png" ' in body and 'loading="lazy"' in body
    assert "width" not in body and "style" not in body
    # training.css caps every lesson image at the screen's width.
    assert "training.css" in html


def test_authors_cannot_save_embedded_images_or_oversized_bodies(module):
    lesson = Lesson(module=module, order=9, slug="bai-9", title="Bài 9",
                    body="![ảnh](data:image/png;base64," + "A" * 100 + ")")
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "Hình ảnh phải được liên kết bằng địa chỉ http(s), không được nhúng trực tiếp vào nội dung." in str(
        refused.value)
    lesson.body = "x" * 100_001
    with pytest.raises(ValidationError):
        lesson.full_clean()


def test_a_later_lesson_can_be_read_but_says_which_lesson_comes_first(staff_a_client, lessons, assignment):
    html = staff_a_client.get(_url(lessons[2])).content.decode()
    assert "Tôi đã đọc xong" not in html
    assert "Các bài được học theo thứ tự: hãy học xong “Bài 1” trước." in html


def test_a_read_lesson_offers_the_next_one(staff_a_client, staff_a, lessons, assignment):
    lesson_mark_read(user=staff_a, lesson=lessons[0])
    html = staff_a_client.get(_url(lessons[0])).content.decode()
    assert "Bạn đã đọc xong bài này." in html and "Bài tiếp theo: Bài 2" in html


def test_a_lesson_of_another_module_slug_is_not_found(staff_a_client, module, assignment):
    other = make_module()
    url = reverse("training:lesson_detail", args=[module.slug, "khong-co"])
    assert staff_a_client.get(url).status_code == 404
    assert other.lessons.exists()


def test_outsiders_and_anonymous_people_cannot_read_it(resident_client, client, lessons):
    assert resident_client.get(_url(lessons[0])).status_code == 404
    assert client.get(_url(lessons[0])).status_code == 302


def test_it_only_answers_get(staff_a_client, lessons):
    assert staff_a_client.post(_url(lessons[0])).status_code == 405
