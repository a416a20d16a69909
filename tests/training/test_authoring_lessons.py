"""Organisers write lessons: Markdown with a preview (htmx, and a button that works without
JavaScript), the order learners read them in, a PDF, images and a video link. Files are checked by
their content and against UPLOAD_MAX_BYTES, kept outside MEDIA_ROOT and served only to those who
may read the lesson; what learners see is sanitised."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from tests.training.factories import make_module
from training.models import Lesson, LessonImage, ModuleStatus

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _lesson_data(**changes) -> dict:
    return {"title": "Dịch vụ công trực tuyến toàn trình", "slug": "", "body": "## Khái niệm\n\nNội dung **chính**.",
            "sources": "- Nghị định 45/2020/NĐ-CP.", "video_url": "", **changes}


def test_an_organiser_adds_a_lesson_at_the_end_of_the_module(organiser, organiser_client, module):
    response = organiser_client.post(reverse("training:author_lesson_create", args=[module.pk]), _lesson_data())
    lesson = Lesson.objects.get(module=module, slug="dich-vu-cong-truc-tuyen-toan-trinh")
    assert response.status_code == 302
    assert lesson.order == 4  # after the module's three lessons
    assert AuditEntry.objects.filter(action="lesson.create", actor=organiser, object_id=str(lesson.pk)).exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "Nhập tên bài học."),
    ({"body": ""}, "body", "Hãy viết nội dung bài học."),
    ({"body": "![ảnh](data:image/png;base64,AAAA)"}, "body", "Hình ảnh phải được liên kết bằng địa chỉ http(s)"),
    ({"video_url": "javascript:alert(1)"}, "video_url", "Nhập địa chỉ web đầy đủ"),
    ({"slug": "bai-1"}, "slug", "Đã có bài học khác của học phần này dùng địa chỉ này."),
])
def test_bad_lesson_input_is_explained_and_nothing_is_saved(organiser_client, module, changes, field, message):
    before = list(module.lessons.values_list("pk", "title", "body"))
    url = reverse("training:author_lesson_create", args=[module.pk])
    response = organiser_client.post(url, _lesson_data(**changes))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert list(module.lessons.values_list("pk", "title", "body")) == before
    assert not AuditEntry.objects.exists()


def test_an_edit_is_saved_and_audited_with_what_changed(organiser, organiser_client, module):
    lesson = module.lessons.first()
    response = organiser_client.post(reverse("training:author_lesson", args=[lesson.pk]),
                                     _lesson_data(title=lesson.title, slug=lesson.slug, body="Nội dung mới."))
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).body == "Nội dung mới."
    entry = AuditEntry.objects.get(action="lesson.update")
    assert entry.actor == organiser and "body" in entry.data["changed"] and "title" not in entry.data["changed"]


def test_the_preview_button_without_javascript_renders_the_text_and_saves_nothing(organiser_client, module):
    lesson = module.lessons.first()
    url = reverse("training:author_lesson", args=[lesson.pk])
    response = organiser_client.post(url, _lesson_data(body="**Đậm** <script>alert(1)</script>", preview="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Đậm</strong>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert Lesson.objects.get(pk=lesson.pk).body == lesson.body and not AuditEntry.objects.exists()


def test_the_htmx_preview_returns_only_the_rendered_fragment(organiser_client, staff_a_client):
    url = reverse("training:author_preview")
    body = "# Tiêu đề\n\n[liên kết](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = organiser_client.post(url, {"body": body}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "<h2>Tiêu đề</h2>" in html and "javascript:" not in html
    assert "<img" not in html and "&lt;img src=x" in html  # raw HTML is shown as text, never run
    assert staff_a_client.post(url, {"body": "x"}).status_code == 404


def test_a_script_in_a_lesson_never_reaches_the_learners_page(organiser_client, staff_a_client, module, assignment):
    lesson = module.lessons.first()
    organiser_client.post(reverse("training:author_lesson", args=[lesson.pk]),
                          _lesson_data(title=lesson.title, slug=lesson.slug,
                                       body="Xin chào <script>alert('x')</script>\n\n<iframe src='https://x'></iframe>"))
    html = staff_a_client.get(lesson.get_absolute_url()).content.decode()
    assert "Xin chào" in html
    assert "<script>alert" not in html and "<iframe" not in html


def test_lessons_are_reordered_up_and_down(organiser, organiser_client, module):
    first, second, third = module.lessons.order_by("order")
    response = organiser_client.post(reverse("training:author_lesson_move", args=[third.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(module.lessons.order_by("order").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    fragment = organiser_client.post(reverse("training:author_lesson_move", args=[first.pk]), {"direction": "down"},
                                     HTTP_HX_REQUEST="true")
    assert 'id="author-lessons"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert list(module.lessons.order_by("order").values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    assert AuditEntry.objects.filter(action="lesson.move", actor=organiser).count() == 2
    assert organiser_client.post(reverse("training:author_lesson_move", args=[first.pk]),
                                 {"direction": "sideways"}).status_code == 400


def test_a_pdf_is_attached_and_served_to_learners_only(organiser_client, staff_a_client, resident_client, module,
                                                      assignment, settings):
    lesson = module.lessons.first()
    response = organiser_client.post(reverse("training:author_lesson", args=[lesson.pk]), _lesson_data(
        title=lesson.title, slug=lesson.slug, attachment=SimpleUploadedFile("tai-lieu.pdf", PDF, "application/pdf")))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert not str(lesson.attachment.path).startswith(str(settings.MEDIA_ROOT))
    url = reverse("training:lesson_attachment", args=[module.slug, lesson.slug])
    download = staff_a_client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert resident_client.get(url).status_code == 404  # a staff module


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tai-lieu.pdf", b"<html><script>alert(1)</script></html>", "Tệp đính kèm không phải là tệp PDF."),
    ("tai-lieu.exe", PDF, "Chỉ được đính kèm tệp PDF."),
])
def test_an_attachment_that_is_not_a_pdf_is_refused(organiser_client, module, name, content, message):
    lesson = module.lessons.first()
    response = organiser_client.post(reverse("training:author_lesson", args=[lesson.pk]), _lesson_data(
        title=lesson.title, slug=lesson.slug, attachment=SimpleUploadedFile(name, content)))
    assert response.status_code == 400 and message in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.attachment and lesson.title != "Dịch vụ công trực tuyến toàn trình"


def test_an_attachment_over_the_upload_limit_is_refused(organiser_client, module, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    lesson = module.lessons.first()
    big = PDF + b"0" * (1024 * 1024)
    response = organiser_client.post(reverse("training:author_lesson", args=[lesson.pk]), _lesson_data(
        title=lesson.title, slug=lesson.slug, attachment=SimpleUploadedFile("lon.pdf", big)))
    assert response.status_code == 400
    assert "Tệp lớn hơn 1 MB, mức lớn nhất được nhận." in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.attachment


def test_an_image_is_added_and_shown_to_those_who_may_read_the_lesson(organiser, organiser_client, staff_a_client,
                                                                     resident_client, module, assignment, settings):
    lesson = module.lessons.first()
    response = organiser_client.post(reverse("training:author_image_add", args=[lesson.pk]), {
        "file": SimpleUploadedFile("so-do.png", PNG, "image/png"), "alt_text": "Sơ đồ chính quyền hai cấp"})
    assert response.status_code == 302
    image = LessonImage.objects.get()
    assert not str(image.file.path).startswith(str(settings.MEDIA_ROOT))
    assert AuditEntry.objects.filter(action="lesson.image_add", actor=organiser).exists()

    page = staff_a_client.get(lesson.get_absolute_url()).content.decode()
    src = reverse("training:lesson_image", args=[module.slug, lesson.slug, image.pk])
    assert f'src="{src}"' in page and 'alt="Sơ đồ chính quyền hai cấp"' in page
    served = staff_a_client.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff" and b"".join(served.streaming_content) == PNG
    assert resident_client.get(src).status_code == 404
    assert organiser_client.get(reverse("training:author_image", args=[image.pk])).status_code == 200
    preview = organiser_client.get(reverse("training:lesson_preview", args=[lesson.pk])).content.decode()
    assert f'src="{reverse("training:author_image", args=[image.pk])}"' in preview

    organiser_client.post(reverse("training:author_image_delete", args=[image.pk]))
    assert not LessonImage.objects.exists()
    assert AuditEntry.objects.filter(action="lesson.image_delete").exists()


def test_images_of_a_draft_are_not_served_to_learners(organiser_client, staff_a_client):
    draft = make_module(status=ModuleStatus.DRAFT)
    lesson = draft.lessons.first()
    organiser_client.post(reverse("training:author_image_add", args=[lesson.pk]), {
        "file": SimpleUploadedFile("a.png", PNG), "alt_text": "Ảnh"})
    image = LessonImage.objects.get()
    learner_url = reverse("training:lesson_image", args=[draft.slug, lesson.slug, image.pk])
    assert staff_a_client.get(learner_url).status_code == 404
    assert staff_a_client.get(reverse("training:author_image", args=[image.pk])).status_code == 404


@pytest.mark.parametrize(("name", "content", "alt", "message"), [
    ("anh.png", b"<svg onload=alert(1)></svg>", "Ảnh", "Tệp không phải là ảnh PNG, JPEG, WebP hoặc GIF"),
    ("anh.jpg", PNG, "Ảnh", "Tệp không phải là ảnh PNG, JPEG, WebP hoặc GIF"),  # a PNG named .jpg
    ("anh.svg", b"<svg></svg>", "Ảnh", "Chỉ thêm được ảnh PNG, JPEG, WebP hoặc GIF."),
    ("anh.png", PNG, "", "Hãy mô tả nội dung ảnh (cho người không nhìn thấy ảnh)."),
])
def test_an_image_is_checked_by_its_content(organiser_client, module, name, content, alt, message):
    lesson = module.lessons.first()
    response = organiser_client.post(reverse("training:author_image_add", args=[lesson.pk]), {
        "file": SimpleUploadedFile(name, content), "alt_text": alt})
    assert response.status_code == 400 and message in response.content.decode()
    assert not LessonImage.objects.exists() and not AuditEntry.objects.exists()


def test_an_image_over_the_upload_limit_is_refused(organiser_client, module, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = organiser_client.post(reverse("training:author_image_add", args=[module.lessons.first().pk]), {
        "file": SimpleUploadedFile("lon.png", PNG + b"\x00" * (1024 * 1024)), "alt_text": "Ảnh lớn"})
    assert response.status_code == 400 and "Tệp lớn hơn 1 MB" in response.content.decode()
    assert not LessonImage.objects.exists()


@pytest.mark.parametrize(("url", "site"), [
    ("https://www.youtube.com/watch?v=abc123", "YouTube"),
    ("https://youtu.be/abc123", "YouTube"),
    ("https://www.facebook.com/ubnd/videos/123", "Facebook"),
    ("https://vtv.vn/video/cai-cach-hanh-chinh.htm", "vtv.vn"),
])
def test_a_video_is_a_link_card_without_any_third_party_player(staff_a_client, module, assignment, url, site):
    lesson = module.lessons.first()
    lesson.video_url = url
    lesson.save()
    html = staff_a_client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{url}"' in html and f"trên {site}" in html
    assert "<iframe" not in html and "youtube.com/iframe_api" not in html and "connect.facebook.net" not in html


def test_a_lesson_is_removed_after_confirmation(organiser, organiser_client, module):
    lesson = module.lessons.last()
    url = reverse("training:author_lesson_delete", args=[lesson.pk])
    refused = organiser_client.post(url, {})
    assert refused.status_code == 400 and "Hãy đánh dấu vào ô để xác nhận." in refused.content.decode()
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert organiser_client.post(url, {"confirm": "on"}).status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    assert AuditEntry.objects.filter(action="lesson.delete", actor=organiser).exists()
