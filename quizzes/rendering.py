"""Limited Markdown to sanitised HTML, for question text, choices, explanations and lessons.

Raw HTML in the source is never interpreted: Markdown's HTML passes are switched off, so a
`<script>` typed into a question is escaped and shown as text. nh3 then cleans the result with an
allow-list as a second line of defence (a bug or a new Markdown extension cannot let markup through).
"""

from __future__ import annotations

import re
from typing import Literal

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

Profile = Literal["inline", "lesson"]

_INLINE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "code", "a"}
_LESSON_TAGS = _INLINE_TAGS | {
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "img", "blockquote", "pre", "hr",
}
_PROFILES: dict[str, dict] = {
    "inline": {
        "tags": _INLINE_TAGS,
        "attributes": {"a": {"href"}},
        "extensions": ["sane_lists"],
        # A question has no headings: a "# ..." line is kept as a plain paragraph.
        "headings": {f"h{n}": "p" for n in range(1, 7)},
    },
    "lesson": {
        "tags": _LESSON_TAGS,
        "attributes": {"a": {"href"}, "img": {"src", "alt", "title"}},
        "extensions": ["sane_lists", "tables"],
        # The page's <h1> is the lesson title, so a lesson's own "# Title" becomes a section heading.
        "headings": {"h1": "h2", "h5": "h4", "h6": "h4"},
        # Size attributes are never allowed (the stylesheet fits images to the screen); a lesson
        # with many large pictures then loads each only when it is scrolled into view.
        "set_attributes": {"img": {"loading": "lazy", "decoding": "async"}},
    },
}
# Scheme checks are ours rather than nh3's because nh3 lets relative URLs through, and a question
# has no business linking into the platform's own pages (or to "//evil.example").
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_IMAGE_SCHEMES = ("http://", "https://")
LINK_REL = "noopener noreferrer nofollow"
# Markdown writes headings without attributes (no toc extension), so a tag-name rewrite is exact.
_HEADING = re.compile(r"<(/?)(h[1-6])>")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    lowered = value.strip().lower()
    if tag == "a" and attribute == "href":
        return value if lowered.startswith(_LINK_SCHEMES) else None
    if tag == "img" and attribute == "src":
        return value if lowered.startswith(_IMAGE_SCHEMES) else None
    return value


def _markdown_to_html(text: str, extensions: list[str]) -> str:
    md = markdown.Markdown(extensions=extensions, output_format="html")
    # Without these two passes Markdown copies raw HTML to the output; with them it is escaped.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


def render_markdown(text: str | None, profile: Profile = "inline") -> SafeString:
    """Render limited Markdown to HTML that is safe to put in a page.

    "inline" (questions, choices, explanations): paragraphs, line breaks, bold, italic, lists,
    code and http/https/mailto links. "lesson" adds h2-h4, tables, http(s) images, block quotes.
    """
    if profile not in _PROFILES:
        raise ValueError(f"unknown Markdown profile: {profile!r}")
    if not text:
        return mark_safe("")
    config = _PROFILES[profile]
    html = _markdown_to_html(text, config["extensions"])
    renames = config["headings"]
    html = _HEADING.sub(lambda m: f"<{m[1]}{renames.get(m[2], m[2])}>", html)
    cleaned = nh3.clean(
        html,
        tags=config["tags"],
        attributes=config["attributes"],
        attribute_filter=_attribute_filter,
        link_rel=LINK_REL,
        strip_comments=True,
        set_tag_attribute_values=config.get("set_attributes"),
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output with an allow-list
