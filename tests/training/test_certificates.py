"""The certificate PDF (Vietnamese text in an embedded font, read back with pypdf), its download by
the holder only, and the public verification page the QR code opens."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.training.factories import read_all, take_quiz
from training.certificates import certificate_pdf
from training.models import Certificate
from training.services import certificate_revoke


@pytest.fixture
def certificate(module, staff_a, assignment) -> Certificate:
    read_all(module, staff_a)
    take_quiz(module, staff_a)
    return Certificate.objects.get(completion__user=staff_a)


def _text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_back_in_vietnamese_with_every_diacritic(certificate, settings):
    settings.SITE_URL = "https://cchc.dongtrabong.example"
    text = _text(certificate_pdf(certificate))
    assert "Chứng nhận hoàn thành học phần" in text
    assert "Phạm Thị An" in text
    assert "Đơn vị: Phòng A" in text
    assert "Nghị quyết 76/NQ-CP" in text
    assert f"Ngày hoàn thành: {timezone.localdate():%d/%m/%Y}" in text
    assert f"Mã chứng nhận: {certificate.code}" in text
    assert f"https://cchc.dongtrabong.example/training/verify/{certificate.code}/" in text


def test_the_pdf_embeds_its_font(certificate):
    reader = PdfReader(BytesIO(certificate_pdf(certificate)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("DejaVuSans" in name for name in names)
    for key in fonts:
        descendant = fonts[key].get_object()
        descriptor = descendant.get("/FontDescriptor")
        if descriptor is not None:
            assert "/FontFile2" in descriptor.get_object()


def test_the_holder_downloads_it(staff_a_client, certificate):
    response = staff_a_client.get(reverse("training:certificate_download", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="chung-nhan-{certificate.code}.pdf"'
    assert "Phạm Thị An" in _text(response.content)


def test_nobody_else_downloads_it_and_a_forged_code_says_so(staff_b_client, staff_a_client, client, certificate):
    url = reverse("training:certificate_download", args=[certificate.code])
    response = staff_b_client.get(url)
    assert response.status_code == 404
    assert "Bạn không có chứng nhận nào với mã này." in response.content.decode()
    forged = staff_a_client.get(reverse("training:certificate_download", args=["ABCDEFGHJK"]))
    assert forged.status_code == 404
    assert client.get(url).status_code == 302


def test_a_revoked_certificate_can_no_longer_be_downloaded(staff_a_client, certificate, organiser):
    certificate_revoke(certificate=certificate, reason="Cấp nhầm", actor=organiser)
    response = staff_a_client.get(reverse("training:certificate_download", args=[certificate.code]))
    assert response.status_code == 410
    assert "Chứng nhận này đã bị thu hồi" in response.content.decode()


def test_download_only_answers_get(staff_a_client, certificate):
    assert staff_a_client.post(reverse("training:certificate_download", args=[certificate.code])).status_code == 405


def test_anyone_verifies_a_valid_code_and_sees_name_module_and_date_only(client, certificate):
    response = client.get(reverse("training:certificate_verify", args=[certificate.code.lower()]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chứng nhận này hợp lệ." in html
    assert "Phạm Thị An" in html and "Nghị quyết 76/NQ-CP" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html
    assert "Phòng A" not in html  # the unit is personal data the page does not need


def test_a_revoked_code_says_so(client, certificate, organiser):
    certificate_revoke(certificate=certificate, reason="Cấp nhầm", actor=organiser)
    html = client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()
    assert "Chứng nhận này đã bị thu hồi." in html and "Phạm Thị An" not in html


def test_an_unknown_code_says_so(client, db):
    response = client.get(reverse("training:certificate_verify", args=["ZZZZZZZZZZ"]))
    assert response.status_code == 404
    assert "Không có chứng nhận nào được cấp với mã ZZZZZZZZZZ." in response.content.decode()


def test_the_verify_form_normalises_the_code_and_refuses_a_malformed_one(client, certificate):
    typed = certificate.code[:5].lower() + "-" + certificate.code[5:]
    response = client.get(reverse("training:certificate_verify_form"), {"code": typed})
    assert response["Location"] == reverse("training:certificate_verify", args=[certificate.code])
    bad = client.get(reverse("training:certificate_verify_form"), {"code": "<script>"})
    assert bad.status_code == 400
    assert "Mã chứng nhận gồm 10 chữ cái và chữ số" in bad.content.decode()
    assert client.get(reverse("training:certificate_verify_form")).status_code == 200


def test_verification_only_answers_get(client, certificate):
    assert client.post(reverse("training:certificate_verify", args=[certificate.code])).status_code == 405
