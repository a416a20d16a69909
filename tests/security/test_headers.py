"""Security headers (config/headers.py): a Content-Security-Policy of this site only and a
Permissions-Policy on every page, and no-store on every page a signed-in person sees (answers,
scores, personal data, member lists, exports, organiser pages). The pages still work under the
policy in a browser: tests/e2e/test_csp.py."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from quizzes.forms.attempts import answer_field_name
from quizzes.models import Attempt
from tests.contests.helpers import make_contest, make_round, take

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in response["Content-Security-Policy"].split("; ")}


def test_every_page_has_a_self_only_content_security_policy(client):
    policy = _csp(client.get(reverse("home")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


@pytest.mark.parametrize("url", ["home", "accounts:login", "accounts:register", "contests:contest_list"])
def test_public_pages_switch_off_the_browser_features_no_page_uses(client, url):
    response = client.get(reverse(url))
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert "Content-Security-Policy" in response


def test_public_pages_stay_cacheable(client):
    # Nothing personal on them: the browser may keep them (back and forward on a slow line).
    assert "no-store" not in client.get(reverse("contests:contest_list")).get("Cache-Control", "")


def test_a_residents_pages_are_never_stored(resident, resident_client):
    round_ = make_round(make_contest(slug="cchc-headers"), questions=2, attempts_allowed=2)
    attempt = take(round_, resident, correct=1, seconds=30)
    for url in [
        reverse("quizzes:attempt_result", args=[attempt.pk]),
        reverse("contests:round_result", args=[attempt.pk]),
        reverse("contests:my_attempts", args=[round_.contest.slug]),
        reverse("accounts:my_data"),
        reverse("accounts:my_data_download"),
    ]:
        response = resident_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_organiser_pages_and_exports_are_never_stored(organiser_client, village):
    round_ = make_round(make_contest(slug="cchc-organiser"), questions=2)
    for url in [
        reverse("accounts:unit_members"),
        reverse("reports:dashboard"),
        reverse("reports:unit_detail", args=[village.pk]),
        reverse("reports:export_round_results", args=[round_.pk]),
        reverse("contests:participation", args=[round_.contest.slug, round_.number]),
        reverse("quizzes:bank_question_list"),
    ]:
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_the_attempt_page_and_its_saves_are_never_stored(resident_client, resident):
    round_ = make_round(make_contest(slug="cchc-attempt"), questions=2)
    resident_client.post(reverse("contests:round_start", args=[round_.contest.slug, round_.number]))
    attempt = Attempt.objects.get(user=resident)
    page = resident_client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    item = attempt.items.first()
    answer = {"item": item.pk, answer_field_name(item): "1"}  # the first choice, by its position
    save = resident_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]), answer, HTTP_HX_REQUEST="true")
    assert save.status_code == 200
    assert "no-store" in save["Cache-Control"]


def test_the_api_with_a_token_is_never_stored(resident):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=resident).key}")
    response = client.get(reverse("api:quiz_list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(resident_client):
    response = resident_client.get(reverse("accounts:my_data_download"))
    assert response["Cache-Control"] == "no-store"


# --- What the policy would block: nothing in the templates ---------------------------------------

COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script> (move it to static/js/)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler (listen in static/js/)"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute (a class in static/css/)"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element (static/css/)"),
    (re.compile(r"""\b(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I), "a javascript: URL"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on (evaluated code)"),
]


def test_no_template_holds_code_or_styles_the_policy_refuses():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html")):
        # Template comments are not sent to the browser (and may name what they avoid).
        text = COMMENTS.sub(lambda m: "\n" * m.group().count("\n"), template.read_text())
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)
