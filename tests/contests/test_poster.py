"""The printable A4 poster: Vietnamese text with its diacritics, the contest's address as text
(and QR code), organisers only."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from tests.contests.helpers import make_contest, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(settings):
    settings.SITE_URL = "https://thi.dongtrabong.gov.vn"
    contest = make_contest(title="Tìm hiểu cải cách hành chính năm 2025", slug="cchc-2025",
                           description="Cuộc thi dành cho người dân và cán bộ xã.", individual_prizes=3,
                           unit_prizes=2)
    make_round(contest)
    make_round(contest)
    return contest


def _pdf(response) -> PdfReader:
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_it_is_one_a4_page_with_title_url_rounds_steps_and_organiser(organiser_client, contest):
    response = organiser_client.get(reverse("contests:poster", args=[contest.slug]))
    assert response.status_code == 200
    assert 'filename="cchc-2025-poster.pdf"' in response["Content-Disposition"]
    reader = _pdf(response)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4[0], 1), round(A4[1], 1))
    text = _text(reader)
    assert "TÌM HIỂU CẢI CÁCH HÀNH CHÍNH NĂM 2025" in text
    assert "https://thi.dongtrabong.gov.vn/contests/cchc-2025/" in text
    assert "UBND XÃ ĐÔNG TRÀ BỒNG" in text
    assert "Đơn vị tổ chức: UBND xã Đông Trà Bồng" in text
    assert "Cách tham gia" in text
    assert "Quét mã QR bằng camera điện thoại hoặc Zalo" in text
    assert "Tuần thi 1: từ" in text and "Tuần thi 2: từ" in text
    assert "Mỗi vòng thi: 3 giải cá nhân và 2 giải tập thể." in text


def test_the_font_is_embedded(organiser_client, contest):
    reader = _pdf(organiser_client.get(reverse("contests:poster", args=[contest.slug])))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("DejaVuSans" in name for name in names)


def test_the_contest_page_links_organisers_to_the_poster(organiser_client, resident_client, contest):
    url = reverse("contests:poster", args=[contest.slug])
    assert url in organiser_client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert url not in resident_client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()


def test_wrong_method_anonymous_and_outsiders_are_refused(client, organiser_client, resident_client,
                                                          staff_a_client, contest):
    url = reverse("contests:poster", args=[contest.slug])
    assert organiser_client.post(url).status_code == 405
    assert "/login" in client.get(url).url
    assert resident_client.get(url).status_code == 403
    assert staff_a_client.get(url).status_code == 403
    assert organiser_client.get(reverse("contests:poster", args=["khong-co"])).status_code == 404
