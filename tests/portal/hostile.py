"""Tools of the hostile-input tests: the values, a reader of the forms on a page, and the checks
(no 500, nothing echoed unescaped, every error message Dutch)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser

from django.utils.translation import trans_real

MARKUP = "<x-fuzz>\"'><script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)" data-x="'

# Every kind of hostile value, by name (the name appears in a failing test's message).
VALUES: dict[str, str] = {
    "markup": MARKUP,
    "attribute": ATTRIBUTE,
    "sql": "' OR '1'='1'; DROP TABLE enterprises_enterprise; --",
    "nul": "naam\x00met nul",
    "only_nul": "\x00",
    "control": "a\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x9bz",
    "crlf": "regel\r\nX-Injected: ja\r\n\r\n<x-fuzz>",
    "long": "w" * 10_000,
    "emoji": "Buurt 🏘️👩🏽‍🌾🇳🇱",
    "rtl_override": "\u202egpj.exe\u202c naam",
    "zero_width": "\u200b\u200d\ufeff\u2028\u2029",
    "negative": "-1",
    "huge": "99999999999999999999999999999999",
    "float": "1e308",
    "nan": "NaN",
    "bad_date": "2026-02-30",
    "garbage_date": "31-13-20266",
    "zero_date": "0000-00-00",
    "template": "{{ request.user.password }}{% debug %}",
    "traversal": "../../../../etc/passwd",
    "percent": "%00%0d%0a%3Cx-fuzz%3E",
    "empty": "",
    "spaces": " \t ",
}

# Raw pieces that must never come back unescaped in an HTML page.
ECHO_MARKERS = ("<x-fuzz", "<script>alert(1)", 'onmouseover="alert(1)"')


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every field, also unchecked boxes
    kinds: dict[str, str] = field(default_factory=dict)  # name -> text, number, date, select...


class FormReader(HTMLParser):
    """The forms of a page with the values a person would send without changing anything: the
    filled-in values, the checked boxes, the selected option (else the first real option)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: str | None = None
        self._radios: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
            self._radios = {}
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if name and tag in ("input", "select", "textarea") and name not in form.names:
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if kind not in ("submit", "image", "button", "reset", "file"):
                form.names.append(name)
                form.kinds[name] = kind
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                form.buttons.append((name, a.get("value", "")))
            elif kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
                elif kind == "radio":
                    self._radios.setdefault(name, a.get("value", "on"))
            else:
                form.fields[name] = [a.get("value", "")]
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = [""]

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or [v for v in self._select["options"] if v][:1]
            self._form.fields[self._select["name"]] = chosen
            self._select = None
        elif tag == "form" and self._form is not None:
            for name, value in self._radios.items():
                self._form.fields.setdefault(name, [value])
            self._form = None


def forms_of(page: str, path: str) -> list[Form]:
    """The POST forms of ``page`` that post to ``path`` itself (not the language switch)."""
    reader = FormReader()
    reader.feed(page)
    return [
        form
        for form in reader.forms
        if form.method == "post" and form.action.split("?")[0] in ("", ".", path)
    ]


def errors_in(page: str) -> list[str]:
    """The error messages a person sees: field errors, form errors and error notices."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    found += re.findall(r'<p class="message message--error"[^>]*>(.*?)</p>', page, re.S)
    found += re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    # The summary on top of a form: its linked items repeat the field errors ("Label: message"),
    # the others are the form's own errors, shown only there.
    for summary in re.findall(
        r'<div class="error-summary[^"]*"[^>]*>.*?<ul>(.*?)</ul>', page, re.S
    ):
        found += re.findall(r"<li>((?:(?!<a ).)*?)</li>", summary, re.S)
    messages = []
    for block in found:
        for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S) or [block]:
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
            if text:
                messages.append(text)
    return messages


def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"%\([^)]+\)[sdfir]|%[sdfir]|\{[a-z_]+\}", msgid)
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$", re.S)


@cache
def english_messages() -> dict[str, list[tuple[str, re.Pattern]]]:
    """Every English message that has a Dutch translation, by its first characters."""
    # gettext keeps the messages in a private attribute (no public way lists them all), which
    # typeshed does not declare.
    catalog = trans_real.translation("nl")._catalog  # type: ignore[attr-defined]
    index: dict[str, list[tuple[str, re.Pattern]]] = {}
    for key, msgstr in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key  # plural: (singular msgid, index)
        if not isinstance(msgid, str) or msgid == msgstr or len(msgid) < 8:
            continue
        index.setdefault(msgid[:6], []).append((msgid, _pattern(msgid)))
    return index


def english_message(text: str) -> str | None:
    """The English msgid that ``text`` is, untranslated; None when it is not one."""
    for msgid, pattern in english_messages().get(text[:6], []):
        if pattern.match(text):
            return msgid
    return None


class _Injected(HTMLParser):
    """What a browser would build from the page that the hostile values put there: the
    ``x-fuzz`` element, a script that calls alert(1), an event handler that does."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: str | None = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "x-fuzz":
            self.found = self.found or "<x-fuzz"
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and "alert(" in (value or ""):
                self.found = self.found or f'{name}="{value}"'

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found = self.found or "<script>alert(1)"


def echoed(page: str) -> str | None:
    """A hostile piece that came back unescaped (as markup a browser would run), or None."""
    if not any(marker in page for marker in ECHO_MARKERS):
        return None  # quick: nothing of it is there at all
    parser = _Injected()
    parser.feed(page)
    parser.close()
    return parser.found
