"""The one place where staff-written Markdown becomes HTML: rendered, then sanitized with nh3.

Everything the knowledge base shows as HTML passes through ``render_markdown`` when it is saved,
and once more through ``sanitize_html`` when it is shown (the ``rich_text`` filter), so that HTML
that reached the database another way (a bulk update, a fixture) is cleaned as well. No script,
event handler or ``javascript:`` link gets through.
"""

from __future__ import annotations

import html

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(fragment: str) -> str:
    """HTML -> only the allowed tags, attributes and link schemes (the one allow-list)."""
    return nh3.clean(
        fragment or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown source -> sanitized HTML. A heading ``#`` becomes ``h2``: the page owns ``h1``."""
    rendered = markdown_lib.markdown(
        source or "",
        extensions=["extra", "sane_lists"],
        output_format="html",
    )
    rendered = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return sanitize_html(rendered)


def plain_text(source: str) -> str:
    """Markdown source -> plain text (for search and snippets): no tags, no entities."""
    without_tags = nh3.clean(render_markdown(source), tags=set())
    return " ".join(html.unescape(without_tags).split())
