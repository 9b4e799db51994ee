"""Counts read as Dutch: "1 mijlpaal", "2 mijlpalen", never "mijlpaal/mijlpalen" or "item(s)".
Every plural goes through ngettext or {% blocktranslate count %}, and the Dutch catalogue has
both forms of each."""

from __future__ import annotations

import re
from types import SimpleNamespace

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string

PO = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# "mijlpaal/mijlpalen", "onderdeel/onderdelen": a word, a slash, a word (not in an address).
SLASHED = re.compile(r"(?<![/\w.:])([^\W\d_]{2,})/([^\W\d_]{2,})(?![/\w])")
# "item(s)", "onderneming(en)", "pagina('s)".
BRACKETED = re.compile(r"[^\W\d_]\((s|en|n|e|'s|’s)\)")


def _entries():
    return [entry for entry in polib.pofile(str(PO)) if not entry.obsolete]


def test_no_count_is_written_with_a_slash_or_a_bracketed_ending():
    hacks = []
    for entry in _entries():
        texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
        for text in filter(None, texts):
            if SLASHED.search(text) or BRACKETED.search(text):
                hacks.append(text)
    assert not hacks, f"use ngettext or blocktranslate count instead: {hacks}"


def test_every_plural_has_both_dutch_forms():
    catalogue = polib.pofile(str(PO))
    assert "nplurals=2; plural=(n != 1);" in catalogue.metadata["Plural-Forms"]
    plurals = [entry for entry in _entries() if entry.msgid_plural]
    assert len(plurals) > 40
    missing = [
        entry.msgid
        for entry in plurals
        if not (entry.msgstr_plural.get(0) and entry.msgstr_plural.get(1))
    ]
    assert not missing, missing


def test_the_guard_catches_the_old_hacks():
    assert SLASHED.search("%(count)d mijlpaal/mijlpalen over de streefdatum")
    assert BRACKETED.search("%(count)d support item(s) over the planned hours")
    assert not SLASHED.search("zie https://example.org/wijk/kaart of 1/2")


@pytest.mark.parametrize(
    ("pages", "says"),
    [(1, "De brief is klaar: 1 pagina, 2,0"), (3, "De brief is klaar: 3 pagina’s, 2,0")],
)
def test_a_page_count_reads_as_dutch(pages, says):
    job = SimpleNamespace(status="klaar", pages=pages, size_bytes=2048, pk=7, is_running=False)
    html = render_to_string(
        "municipalities/_brief_job.html",
        {"job": job, "municipality": SimpleNamespace(slug="proefstad")},
    )
    assert says in html


def test_an_unknown_page_count_is_no_error():
    job = SimpleNamespace(status="klaar", pages=None, size_bytes=2048, pk=7, is_running=False)
    html = render_to_string(
        "municipalities/_brief_job.html",
        {"job": job, "municipality": SimpleNamespace(slug="proefstad")},
    )
    assert "De brief is klaar" in html
