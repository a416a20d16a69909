"""The lesson's PDF is served by a view that checks the reader, always as a download, never
from a public media address; only real PDFs can be attached."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lesson_with_pdf(lessons):
    lesson = lessons[0]
    lesson.attachment.save("nghi-quyet-76.pdf", ContentFile(PDF))
    return lesson


def _url(lesson) -> str:
    return reverse("training:lesson_attachment", args=[lesson.module.slug, lesson.slug])


def test_a_learner_downloads_it_as_an_attachment(staff_a_client, lesson_with_pdf, assignment, settings):
    response = staff_a_client.get(_url(lesson_with_pdf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    # Stored outside MEDIA_ROOT: no web server route can hand it out without this check.
    assert not str(lesson_with_pdf.attachment.path).startswith(str(settings.MEDIA_ROOT))
    assert lesson_with_pdf.attachment.url == ""


def test_the_lesson_page_links_the_view(staff_a_client, lesson_with_pdf, assignment):
    html = staff_a_client.get(lesson_with_pdf.get_absolute_url()).content.decode()
    assert _url(lesson_with_pdf) in html and "/media/" not in html


def test_outsiders_and_anonymous_people_get_nothing(resident_client, client, lesson_with_pdf):
    assert resident_client.get(_url(lesson_with_pdf)).status_code == 404
    assert client.get(_url(lesson_with_pdf)).status_code == 302


def test_a_lesson_without_attachment_is_not_found(staff_a_client, lessons, assignment):
    assert staff_a_client.get(_url(lessons[1])).status_code == 404


def test_it_only_answers_get(staff_a_client, lesson_with_pdf, assignment):
    assert staff_a_client.post(_url(lesson_with_pdf)).status_code == 405


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bai.html", b"<script>alert(1)</script>", "Chỉ được đính kèm tệp PDF."),
    ("bai.pdf", b"<html><script>alert(1)</script></html>", "Tệp đính kèm không phải là tệp PDF."),
])
def test_only_real_pdfs_can_be_attached(lessons, name, content, message):
    lesson = lessons[0]
    lesson.attachment = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert message in str(refused.value)
