"""Question text, choices and explanations are limited Markdown, sanitised on output."""

import re

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from quizzes.rendering import render_markdown


def test_it_renders_the_limited_markdown_of_a_question():
    html = render_markdown("Theo **Nghị quyết 76**, *mục tiêu* là:\n\n- một\n- hai\n\n`mã`")
    assert "<strong>Nghị quyết 76</strong>" in html
    assert "<em>mục tiêu</em>" in html
    assert "<ul>\n<li>một</li>\n<li>hai</li>\n</ul>" in html
    assert "<code>mã</code>" in html
    assert isinstance(html, SafeString)


def test_it_shows_a_script_as_text_and_never_as_markup():
    html = render_markdown("Câu hỏi <script>alert('x')</script> tiếp")
    assert "<script" not in html
    assert "&lt;script&gt;alert" in html
    assert "tiếp" in html


def test_it_shows_raw_html_blocks_and_event_handlers_as_text():
    html = render_markdown('<div onclick="steal()">a</div>\n\n<img src=x onerror=alert(1)>')
    assert "<div" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)",
                                  "data:text/html,hi", "vbscript:x", "/admin/", "//evil.example/"])
def test_it_drops_links_that_are_not_http_https_or_mailto(href):
    html = render_markdown(f"[bấm vào đây]({href})")
    assert "href" not in html
    assert "bấm vào đây" in html


def test_it_keeps_web_and_mail_links_with_a_safe_rel():
    html = render_markdown("[Cổng DVC](https://dichvucong.gov.vn) và [thư](mailto:ubnd@example.vn)")
    assert '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer nofollow">Cổng DVC</a>' in html
    assert 'href="mailto:ubnd@example.vn"' in html


def test_it_gives_a_question_no_headings_or_images():
    html = render_markdown("# Tiêu đề\n\n![ảnh](https://example.vn/a.png)")
    assert "<h1" not in html and "<img" not in html
    assert "<p>Tiêu đề</p>" in html


def test_the_lesson_profile_allows_headings_tables_images_and_quotes():
    text = ("# Bài học\n\n## Mục 1\n\n| Chỉ tiêu | 2025 |\n|---|---|\n| DVC | 80% |\n\n"
            "> Trích dẫn\n\n![sơ đồ](https://example.vn/so-do.png)")
    html = render_markdown(text, profile="lesson")
    # The page's own <h1> is the lesson title, so the body's top heading becomes an h2.
    assert "<h2>Bài học</h2>" in html and "<h1" not in html
    assert "<h2>Mục 1</h2>" in html
    assert "<table>" in html and "<td>80%</td>" in html
    assert "<blockquote>" in html
    # Loaded only when scrolled to: a lesson with many large pictures stays light on a phone.
    img = re.search(r"<img [^>]*>", html)[0]
    # nh3 writes the attributes it adds in no fixed order, so they are checked one by one.
    assert sorted(re.findall(r'(\w+)="([^"]*)"', img)) == [
        ("alt", "sơ đồ"), ("decoding", "async"), ("loading", "lazy"), ("src", "https://example.vn/so-do.png"),
    ]


def test_the_lesson_profile_still_refuses_scripts_and_unsafe_image_sources():
    html = render_markdown("<script>x()</script>\n\n![a](javascript:x) ![b](data:image/png;base64,AA)",
                           profile="lesson")
    assert "<script" not in html
    assert "javascript" not in html and "data:" not in html


def test_it_renders_nothing_for_empty_text_and_refuses_an_unknown_profile():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    with pytest.raises(ValueError):
        render_markdown("x", profile="full")  # type: ignore[arg-type]


def test_the_template_filters_use_the_two_profiles():
    template = Template("{% load quiz_tags %}{{ q|markdown }}|{{ lesson|lesson_markdown }}")
    html = template.render(Context({"q": "## A <b>b</b>", "lesson": "## A"}))
    assert html == "<p>A &lt;b&gt;b&lt;/b&gt;</p>|<h2>A</h2>"
