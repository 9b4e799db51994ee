"""Staff write Markdown; visitors never get a script from it."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.markdown import plain_text, render_markdown
from tests.factories import ArticleFactory, FAQFactory, ReportFactory

ATTACKS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="#" onclick="alert(1)">klik</a>',
    "<iframe src='https://example.org'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<scr<script>ipt>alert(1)</script>",
]


class _Elements(HTMLParser):
    """Collects every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(
            (name.lower(), (value or "").strip().lower()) for name, value in attrs
        )


def _unsafe_scheme(url: str) -> bool:
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url)
    return scheme is not None and scheme.group(1) not in {"http", "https", "mailto"}


def _is_safe(html: str) -> bool:
    parsed = _Elements()
    parsed.feed(html)
    parsed.close()
    return (
        not parsed.tags & {"script", "iframe", "img", "svg", "object", "embed", "style"}
        and not any(name.startswith("on") for name, _value in parsed.attributes)
        and not any(
            name in {"href", "src"} and _unsafe_scheme(value) for name, value in parsed.attributes
        )
    )


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_keeps_no_script_or_event_handler(attack):
    assert _is_safe(render_markdown(f"Tekst\n\n{attack}\n\nmeer tekst"))


def test_markdown_keeps_ordinary_formatting():
    html = render_markdown("# Kop\n\n**vet** en [een link](https://example.org)\n\n- een\n- twee")
    assert "<h2>Kop</h2>" in html  # the page owns h1
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert "<li>een</li>" in html


def test_plain_text_has_no_tags_or_entities():
    assert plain_text("**Bewoners** & <b>buurt</b>") == "Bewoners & buurt"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(ATTACKS + ["<", ">", '"', "`", "](", "[", "\n\n", "    "]),
        ),
        max_size=12,
    ).map("".join)
)
def test_no_markdown_source_produces_a_script(source):
    assert _is_safe(render_markdown(source))


pytestmark = pytest.mark.django_db


def test_script_in_a_report_body_does_not_reach_the_page(client):
    report = ReportFactory(
        body="Inleiding\n\n<script>alert('weg')</script>\n\n<img src=x onerror=alert(1)>"
    )
    html = client.get(report.get_absolute_url()).content.decode()
    assert "alert('weg')" not in html
    assert "onerror" not in html
    assert "Inleiding" in html


def test_script_in_an_article_or_answer_does_not_reach_the_page(client):
    article = ArticleFactory(body='Tekst <script>document.title="x"</script>')
    FAQFactory(answer="Antwoord <img src=x onerror=alert(2)>")
    assert "<script>document" not in client.get(article.get_absolute_url()).content.decode()
    assert "onerror" not in client.get(reverse("knowledge:faq")).content.decode()


def test_script_in_a_title_is_shown_as_text(client):
    report = ReportFactory(title="<script>alert(3)</script> Rapport")
    html = client.get(report.get_absolute_url()).content.decode()
    assert "<script>alert(3)" not in html
    assert "&lt;script&gt;alert(3)" in html
