from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from quizzes.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Question text, choices and explanations: limited Markdown, sanitised."""
    return render_markdown(text, profile="inline")


@register.filter(name="lesson_markdown")
def lesson_markdown_filter(text: str | None) -> SafeString:
    """Lesson bodies: the inline profile plus h2-h4, tables, images and block quotes."""
    return render_markdown(text, profile="lesson")
