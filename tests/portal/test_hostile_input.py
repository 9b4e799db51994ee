"""Hostile input gets a clear answer and loses nothing.

For every URL of the portal (the table ``TARGETS``, checked against the URL resolver) and every
form and search or filter parameter on it (read from the page itself, and checked against the
form classes of the apps), hostile values are sent: markup and script, quotes, SQL fragments,
NUL and control characters, 10,000 characters, emoji, right-to-left override, negative and huge
numbers, malformed dates, wrong content types and hostile files. The answer is never a 500,
never echoes markup unescaped, and a refused value gets a Dutch error message on the form.

Runs on SQLite and, with DATABASE_URL (as CI does), on PostgreSQL, where a NUL character in a
query makes psycopg raise.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import django_filters
import pytest
from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import StaffFactory
from tests.world import FAST_HASHERS, build_world, rows_without_path

from .hostile import VALUES, echoed, english_message, errors_in, forms_of

pytestmark = pytest.mark.django_db

# The values each field gets, by the kind of input; search and filter parameters get them all.
# Together (with the files, content types and hypothesis below) they cover every kind of value
# named in the module docstring.
TEXT_VALUES = [
    "markup",
    "attribute",
    "sql",
    "nul",
    "control",
    "crlf",
    "long",
    "emoji",
    "rtl_override",
    "percent",
    "empty",
]
OTHER_VALUES = ["markup", "nul", "negative", "huge", "float", "bad_date", "long", "empty"]
TEXT_KINDS = {"text", "textarea", "email", "url", "search", "hidden", "password", "tel"}
QUERY_VALUES = sorted(
    set(TEXT_VALUES) | set(OTHER_VALUES) | {"garbage_date", "zero_date", "nan", "only_nul"}
)
PATH_VALUES = ["markup", "nul", "only_nul", "control", "long", "rtl_override", "percent", "sql"]


# --- The world the pages are tried on -------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The shared fixture world (``tests/world.py``), built once for the module inside a
    transaction that is rolled back at its end; each test runs in a savepoint of it, so what one
    test changes the next does not see. Its paths come from the world's ``PATHS``."""
    media = tmp_path_factory.mktemp("hostile-media")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
    ):
        yield build_world(media)
        transaction.set_rollback(True)


# --- What each URL is tried with ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """How one URL is tried, on the path the world gives it (``tests/world.py``, ``PATHS``).
    ``user``: who sends (a name of ``USER_NAMES``: owner, editor, pioneer_member, officer,
    staff...; None for an anonymous visitor). ``form``: its page has POST forms, read from the
    page and sent back with one field at a time made hostile. ``post``: a POST-only view and its
    fields. ``query``: its search or filter parameters. ``path``: URL arguments that take text.
    ``variant``: try the path of the world's row ``route@variant`` instead of the usual one."""

    user: str | None = None
    variant: str = ""
    query: tuple[str, ...] = ()
    form: bool = False
    post: tuple[str, ...] = ()
    data: Callable = lambda w: {}
    path: tuple[str, ...] = ()
    get: bool = True
    # Routes whose forms belong to another package (allauth): still fuzzed, errors not judged.
    own_messages: bool = True


TODAY = lambda w: timezone.localdate().isoformat()  # noqa: E731
DIRECTORY = (
    "q",
    "gemeente",
    "provincie",
    "soort",
    "thema",
    "rechtsvorm",
    "opgericht_vanaf",
    "opgericht_tot",
    "sorteer",
    "pagina",
)
PAGE = ("page",)

TARGETS: dict[str, Target] = {
    # Portal
    "home": Target(),
    "health": Target(),
    "set_language": Target(post=("language", "next"), get=False),
    "sitemap": Target(),
    "media": Target(variant="public", path=("path",)),  # a logo that is not there
    # Accounts (allauth's forms in the portal's look)
    "account_login": Target(form=True, data=lambda w: {"login": w.owner.email}),
    "account_logout": Target(user="owner", form=True),
    "account_inactive": Target(),
    "account_signup": Target(form=True, own_messages=False),
    "account_reauthenticate": Target(user="owner", form=True, own_messages=False),
    "account_request_reauthentication_code": Target(user="owner", form=True),
    # Without a code asked for first these answer with a redirect; their field is sent all the
    # same (tests/accounts/test_login_code.py sends hostile codes to a pending log-in).
    "account_confirm_reauthentication_code": Target(user="owner", post=("code",)),
    "account_email": Target(
        user="owner", form=True, data=lambda w: {"action_add": ""}, own_messages=False
    ),
    "account_email_verification_sent": Target(),
    "account_change_password": Target(user="owner", form=True, own_messages=False),
    "account_set_password": Target(
        user="owner", post=("password1", "password2"), own_messages=False
    ),
    "account_reset_password": Target(form=True),
    "account_request_login_code": Target(form=True, data=lambda w: {"email": w.owner.email}),
    "account_confirm_login_code": Target(post=("code",)),
    "account_confirm_email": Target(path=("key",), form=True),
    "account_reset_password_from_key_done": Target(),
    "account_reset_password_from_key": Target(path=("uidb36", "key"), form=True),
    "account_reset_password_done": Target(),
    "accounts:profile": Target(user="owner"),
    "accounts:privacy": Target(user="owner"),
    "accounts:privacy_export": Target(user="owner"),
    "accounts:delete_account": Target(user="editor", post=("password",), get=False),
    "privacy_statement": Target(),
    "cookies": Target(),
    # Enterprises
    "enterprises:index": Target(query=DIRECTORY),
    "enterprises:register": Target(
        user="owner", form=True, data=lambda w: {"municipality": w.municipality.pk}
    ),
    "enterprises:mine": Target(user="owner"),
    "enterprises:benchmark": Target(user="officer", query=("gemeente", "jaar")),
    "enterprises:export_csv": Target(query=DIRECTORY),
    "enterprises:export_json": Target(query=DIRECTORY),
    "enterprises:review_queue": Target(user="staff"),
    "enterprises:invitation": Target(user="editor", path=("token",), form=True),
    "enterprises:profile": Target(path=("slug",)),
    "enterprises:archive": Target(user="owner", post=("x",), get=False),
    "enterprises:edit": Target(user="owner", form=True),
    "enterprises:submit": Target(user="owner", post=("x",), get=False),
    "enterprises:assets": Target(user="owner"),
    "enterprises:asset_add": Target(user="owner", form=True),
    "enterprises:asset_edit": Target(user="owner", form=True),
    "enterprises:asset_delete": Target(user="owner", post=("x",), get=False),
    "enterprises:figures": Target(user="owner"),
    "enterprises:figures_add": Target(user="owner", form=True, data=lambda w: {"year": "2023"}),
    "enterprises:figures_edit": Target(user="owner", form=True),
    "enterprises:members": Target(user="owner", form=True),
    "enterprises:member_remove": Target(user="owner", post=("x",), get=False),
    "enterprises:member_role": Target(user="owner", post=("role",), get=False),
    "enterprises:invitation_revoke": Target(user="owner", post=("x",), get=False),
    "enterprises:review": Target(
        user="staff",
        form=True,
        data=lambda w: {"decision": "reject", "reason": "Nog niet compleet."},
    ),
    "enterprises:import": Target(user="staff", form=True),
    "enterprises:import_template_xlsx": Target(user="staff"),
    "enterprises:import_template_csv": Target(user="staff"),
    "enterprises:import_preview": Target(user="staff", query=("toon", "pagina")),
    "enterprises:import_confirm": Target(user="staff", post=("x",), get=False),
    "enterprises:import_discard": Target(user="staff", post=("x",), get=False),
    # Monitor
    "monitor:index": Target(),
    "monitor:year": Target(),
    "monitor:report": Target(user="staff", post=("action",)),
    "monitor:report_status": Target(user="staff"),
    "monitor:report_download": Target(user="staff"),
    "monitor:rounds": Target(
        user="staff",
        form=True,
        data=lambda w: {"deadline": (timezone.localdate() + timedelta(days=30)).isoformat()},
    ),
    "monitor:round": Target(user="staff"),
    "monitor:round_close": Target(user="staff", form=True),
    "monitor:round_correction": Target(
        user="staff",
        post=("note",),
        get=False,
    ),
    "monitor:figures_checked": Target(
        user="staff",
        post=("x",),
        get=False,
    ),
    "monitor:round_non_respondents": Target(user="staff"),
    # Pioneers
    "pioneers:index": Target(),
    "pioneers:apply": Target(user="owner", form=True),
    "pioneers:application": Target(user="owner", form=True),
    "pioneers:review_list": Target(user="staff", query=("cohort",)),
    "pioneers:review": Target(user="staff", form=True),
    "pioneers:experts": Target(user="staff", query=("gebied", "q")),
    "pioneers:expert": Target(user="staff"),
    "pioneers:compare": Target(
        user="staff",
        query=("cohort",),
        path=("element_slug",),
    ),
    "pioneers:dashboard": Target(user="staff", query=("cohort",)),
    "pioneers:pioneer": Target(user="pioneer_member"),
    "pioneers:pioneer_edit": Target(user="staff", form=True),
    "pioneers:log": Target(user="pioneer_member", query=("pagina",)),
    "pioneers:log_new": Target(user="staff", form=True, data=lambda w: {"date": TODAY(w)}),
    "pioneers:history": Target(user="pioneer_member"),
    "pioneers:reading_new": Target(user="staff", form=True, data=lambda w: {"taken_on": TODAY(w)}),
    "pioneers:element_new": Target(user="staff", form=True),
    "pioneers:milestone_new": Target(
        user="staff", form=True, data=lambda w: {"due_date": TODAY(w)}
    ),
    "pioneers:milestone_edit": Target(user="staff", form=True),
    "pioneers:support_new": Target(user="staff", form=True),
    "pioneers:support_edit": Target(user="staff", form=True),
    "pioneers:lessons": Target(user="staff"),
    "pioneers:lesson_new": Target(user="staff", form=True),
    "pioneers:lesson_publish": Target(user="staff", post=("publish",), get=False),
    # Knowledge
    "knowledge:index": Target(),
    "knowledge:search": Target(query=("q", "kind", "theme", "audience", "year", "page")),
    "knowledge:reports": Target(query=PAGE),
    "knowledge:report": Target(path=("slug",)),
    "knowledge:report_download": Target(),
    "knowledge:report_download_signed": Target(path=("token",)),
    "knowledge:report_request": Target(
        form=True,
        data=lambda w: {"name": "Kim", "email": "kim@example.org", "consent": "on"},
    ),
    "knowledge:report_request_sent": Target(),
    "knowledge:faq": Target(),
    "knowledge:articles": Target(query=PAGE),
    "knowledge:article": Target(),
    "knowledge:cases": Target(query=PAGE),
    "knowledge:case": Target(),
    "knowledge:case_pdf": Target(),
    "knowledge:case_pdf_version": Target(user="staff"),
    "knowledge:case_pdf_generate": Target(user="staff", post=("x",), get=False),
    "knowledge:pdf_job_status": Target(user="staff"),
    "knowledge:cohort_pdfs": Target(user="staff"),
    "knowledge:newsletter": Target(form=True, data=lambda w: {"email": "lezer@example.org"}),
    "knowledge:newsletter_sent": Target(),
    "knowledge:newsletter_confirm": Target(path=("token",), form=True),
    # A token nobody has: the POST is refused. (A real one unsubscribes, answering 200 as
    # one-click unsubscribing wants, with nothing to refuse.)
    "knowledge:newsletter_unsubscribe": Target(variant="unknown", path=("token",), post=("x",)),
    "knowledge:advice": Target(
        form=True,
        data=lambda w: {
            "name": "Kim",
            "email": "kim@example.org",
            "message": "Een vraag.",
            "consent": "on",
        },
    ),
    "knowledge:advice_sent": Target(),
    "knowledge:export_requests": Target(user="staff"),
    "knowledge:export_subscribers": Target(user="staff"),
    "knowledge:feed": Target(),
    "knowledge:feed_atom": Target(),
    # The open-data API (JSON: what matters is that no text makes it fail)
    "api:api-root": Target(),
    "api:openapi-json": Target(),
    # The API's query keys are camelCase (NLGov ADR); the rest are the directory's.
    "api:enterprises": Target(
        query=(
            *(name for name in DIRECTORY if not name.startswith("opgericht_")),
            "opgerichtVanaf",
            "opgerichtTot",
            "paginaGrootte",
        )
    ),
    "api:enterprise": Target(path=("slug",)),
    "api:enterprise_figures": Target(path=("slug",)),
    "api:municipalities": Target(query=("q", "sorteer", "pagina", "paginaGrootte")),
    "api:municipality": Target(path=("code",)),
    "api:reports": Target(query=("pagina", "paginaGrootte")),
    "api:report": Target(path=("slug",)),
    "api:faqs": Target(query=("pagina", "paginaGrootte")),
    "api:articles": Target(query=("pagina", "paginaGrootte")),
    "api:article": Target(path=("slug",)),
    "api:cases": Target(query=("pagina", "paginaGrootte")),
    "api:case": Target(path=("slug",)),
    # Municipalities
    "municipalities:index": Target(query=("q", "sorteer")),
    "municipalities:link_queue": Target(user="staff"),
    "municipalities:link_decide": Target(
        user="staff",
        post=("decision",),
        data=lambda w: {"decision": "afwijzen"},
        get=False,
    ),
    "municipalities:follow_confirm": Target(path=("token",), form=True),
    "municipalities:unfollow": Target(path=("token",), form=True),
    "municipalities:detail": Target(path=("slug",)),
    "municipalities:link_request": Target(
        user="officer",
        form=True,
        data=lambda w: {"job_title": "Beleidsadviseur"},
    ),
    "municipalities:export_csv": Target(user="officer"),
    "municipalities:export_xlsx": Target(user="officer"),
    "municipalities:follow": Target(
        post=("email",),
        data=lambda w: {"email": "volger@example.org"},
        get=False,
    ),
    "municipalities:brief": Target(user="officer", post=("x",), get=False),
    "municipalities:brief_status": Target(),
    "municipalities:brief_download": Target(),
    # Staff
    "staff:home": Target(user="staff"),
}

# Every form class and filter of the portal, and the URL whose fuzzing covers its fields.
FORM_CLASSES = {
    "accounts.forms.DeleteAccountForm": "accounts:delete_account",
    "enterprises.filters.DirectoryFilter": "enterprises:index",
    "enterprises.forms.RegisterForm": "enterprises:register",
    "enterprises.forms.ProfileForm": "enterprises:edit",
    "enterprises.forms.AssetForm": "enterprises:asset_add",
    "enterprises.forms.YearFiguresForm": "enterprises:figures_add",
    "enterprises.forms.InviteForm": "enterprises:members",
    "enterprises.forms.RoleForm": "enterprises:member_role",
    "enterprises.forms.ReviewForm": "enterprises:review",
    "enterprises.forms.ImportForm": "enterprises:import",
    "pioneers.forms.StartApplicationForm": "pioneers:apply",
    "pioneers.forms.ApplicationForm": "pioneers:application",
    "pioneers.forms.ScoreForm": "pioneers:review",
    "pioneers.forms.DecisionForm": "pioneers:review",
    "pioneers.forms.PioneerForm": "pioneers:pioneer_edit",
    "pioneers.forms.LogEntryForm": "pioneers:log_new",
    "pioneers.forms.MilestoneForm": "pioneers:milestone_new",
    "pioneers.forms.SupportItemForm": "pioneers:support_new",
    "pioneers.forms.LessonForm": "pioneers:lesson_new",
    "pioneers.forms.ExtraElementForm": "pioneers:element_new",
    "pioneers.forms.ReadingForm": "pioneers:reading_new",
    "knowledge.forms.SearchForm": "knowledge:search",
    "knowledge.forms.ReportRequestForm": "knowledge:report_request",
    "knowledge.forms.SubscribeForm": "knowledge:newsletter",
    "knowledge.forms.AdviceRequestForm": "knowledge:advice",
    "municipalities.forms.SearchForm": "municipalities:index",
    "municipalities.forms.LinkRequestForm": "municipalities:link_request",
    "municipalities.forms.DecisionForm": "municipalities:link_decide",
    "municipalities.forms.FollowForm": "municipalities:follow",
    "monitor.forms.OpenRoundForm": "monitor:rounds",
    "monitor.forms.CorrectionForm": "monitor:round_correction",
}
APPS = (
    "accounts",
    "enterprises",
    "pioneers",
    "knowledge",
    "municipalities",
    "monitor",
    "staff",
    "lsa_portal",
    "api",
)


# --- Completeness: nothing is forgotten -----------------------------------------------------------


def _named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_routes(pattern, namespace)
        elif pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_of_the_portal_is_tried():
    """A new URL fails here until it is added to TARGETS. Django's admin is left out: staff
    only, and its forms and search are Django's own (NUL in its search: see below)."""
    routes = {name for name in _named_routes() if not name.startswith("admin:")}
    assert routes - set(TARGETS) == set(), "add these URLs to TARGETS"
    assert set(TARGETS) - routes == set(), "these TARGETS no longer exist"
    rows = [_row(route, target) for route, target in TARGETS.items()]
    assert not rows_without_path(rows), rows_without_path(rows)


def _subclasses(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def test_every_form_class_is_tried():
    """A new form (or filter) fails here until the URL that shows it is named above."""
    found = {
        f"{cls.__module__}.{cls.__qualname__}"
        for base in (django_forms.BaseForm, django_filters.FilterSet)
        for cls in _subclasses(base)
        if cls.__module__.split(".")[0] in APPS
        and not cls.__module__.startswith("lsa_portal.forms")
    }
    assert found == set(FORM_CLASSES)
    for route in FORM_CLASSES.values():
        target = TARGETS[route]
        assert target.form or target.post or target.query, route


# --- Sending --------------------------------------------------------------------------------------


def _client(world, target: Target) -> Client:
    client = Client(raise_request_exception=True)
    if target.user:
        client.force_login(world.user(target.user))
    return client


def _row(route: str, target: Target) -> str:
    """The world's row whose path the target is tried on (``tests/world.py``, ``PATHS``)."""
    return f"{route}@{target.variant}" if target.variant else route


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _check(response, what: str, *, judge_messages: bool = True) -> str:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = _body(response)
    if _is_html(response):
        marker = echoed(body)
        assert marker is None, f"{what}: {marker!r} came back unescaped"
        if judge_messages:
            for message in errors_in(body):
                msgid = english_message(message)
                assert msgid is None, f"{what}: error in English: {message!r}"
    return body


def _flatten(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "csrfmiddlewaretoken"}


@dataclass
class Run:
    """What one target's fuzzing did, to assert that it really sent what it claims."""

    posts: int = 0
    gets: int = 0
    fields: set[str] = field(default_factory=set)


def _post(client, url, data=None, **kwargs):
    """A POST, and what the view left for after the commit (mails, tasks), as in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        if "content_type" in kwargs:
            return client.generic("POST", url, data, **kwargs)
        return client.post(url, data)


def _post_form(client, url, baseline, name, value, what, target, run):
    data = {**baseline, name: value}
    response = _post(client, url, data)
    run.posts += 1
    run.fields.add(name)
    body = _check(response, what, judge_messages=target.own_messages)
    if response.status_code == 200 and target.own_messages and _is_html(response):
        # Refused: the form says why, in Dutch. (Accepted: a redirect.)
        assert errors_in(body) or "preview" in body or "Voorbeeld" in body, (
            f"{what}: answered 200 without an error message"
        )
    if response.status_code in (301, 302, 303) and value in (VALUES["markup"], VALUES["nul"]):
        location = response["Location"]
        if location.startswith("/"):
            _check(client.get(location), f"{what} -> {location}")
            run.gets += 1


def _fuzz_forms(client, world, route, target, run):
    url = world.path(_row(route, target))
    overrides = target.data(world)
    if target.get:
        page = client.get(url)
        run.gets += 1
        forms = forms_of(_check(page, f"GET {route}"), url) if target.form else []
    else:
        forms = []
    baselines = []
    for form in forms:
        baseline = _flatten(form.fields)
        if len(form.buttons) == 1:
            baseline.setdefault(*form.buttons[0])
        names = {name: form.kinds[name] for name in form.names if name != "csrfmiddlewaretoken"}
        baselines.append((baseline, names, form.files))
    if target.post:
        baselines.append((dict.fromkeys(target.post, ""), dict.fromkeys(target.post, "text"), []))
    for baseline, names, files in baselines:
        baseline.update(overrides)
        for name, input_kind in [*names.items(), *((name, "file") for name in files)]:
            values = TEXT_VALUES if input_kind in TEXT_KINDS else OTHER_VALUES
            for kind in values:
                what = f"POST {route} {name}={kind}"
                _post_form(client, url, baseline, name, VALUES[kind], what, target, run)
        for name in files:
            _post_files(client, url, baseline, name, route, run)
        _wrong_content_types(client, url, baseline, route, run)


HOSTILE_FILES = {
    "svg": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "html": ("logo.jpg", b"<html><script>alert(1)</script></html>"),
    "empty": ("leeg.png", b""),
    "nul_name": ("lo\x00go.png", b"\x89PNG\r\n\x1a\n"),
    "long_name": ("x" * 300 + ".png", b"\x89PNG\r\n\x1a\n"),
    "executable": ("logo.png", b"MZ\x90\x00\x03\x00\x00\x00"),
}


def _post_files(client, url, baseline, name, route, run):
    for kind, (filename, content) in HOSTILE_FILES.items():
        upload = SimpleUploadedFile(filename, content, content_type="image/png")
        response = _post(client, url, {**baseline, name: upload})
        run.posts += 1
        body = _check(response, f"POST {route} {name}=<{kind} file>")
        if response.status_code == 200 and content:
            assert errors_in(body), f"POST {route} {name}=<{kind} file>: no error message"


def _wrong_content_types(client, url, baseline, route, run):
    hostile = dict.fromkeys(baseline, VALUES["markup"])
    attempts = [
        ("application/json", json.dumps(hostile)),
        ("text/plain", "naam=<x-fuzz>\x00"),
        ("application/x-www-form-urlencoded", "%ZZ=%%%&\x00=\xff"),
        ("multipart/form-data", "geen grens"),
        ("multipart/form-data; boundary=grens", "--grens\r\nkapot"),
        ("application/xml", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"),
    ]
    for content_type, body in attempts:
        response = _post(client, url, body, content_type=content_type)
        run.posts += 1
        _check(response, f"POST {route} as {content_type}", judge_messages=False)


def _fuzz_query(client, world, route, target, run):
    url = world.path(_row(route, target))
    for name in (*target.query, "unknown"):
        for kind in QUERY_VALUES if name != "unknown" else ["markup", "nul", "long"]:
            response = client.get(url, {name: VALUES[kind]})
            run.gets += 1
            _check(response, f"GET {route}?{name}={kind}")
    if target.query:
        # Repeated and all at once.
        response = client.get(url, {name: [VALUES["markup"]] * 3 for name in target.query})
        _check(response, f"GET {route} all parameters repeated")


PLACEHOLDER = "platzhalter0"


def _fuzz_path(client, world, route, target, run):
    kwargs = world.kwargs(_row(route, target))
    for name in target.path:
        try:
            template = reverse(route, kwargs={**kwargs, name: PLACEHOLDER})
        except NoReverseMatch:
            continue
        for kind in PATH_VALUES:
            value = VALUES[kind]
            url = template.replace(PLACEHOLDER, quote(value, safe="") or "%20")
            response = client.get(url)
            run.gets += 1
            _check(response, f"GET {route} with {name}={kind}")
            if not target.get or target.post or target.form:
                response = _post(client, url, {"x": "1"})
                run.posts += 1
                _check(response, f"POST {route} with {name}={kind}", judge_messages=False)


# How many hostile requests this module sent, printed at its end (for the figures in a report).
SENT: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_what_was_sent(request):
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if SENT and capture is not None:
        with capture.global_and_fixture_disabled():
            print("\nhostile input: " + ", ".join(f"{n} {what}" for what, n in SENT.items()))


@pytest.fixture
def quiet(settings, request):
    """No rate limits while thousands of requests come from one address; password hashing fast;
    the world's files (its PDFs, the report) where the world wrote them."""
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (10**9, 3600)
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = FAST_HASHERS
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media_root


@pytest.mark.parametrize("route", sorted(TARGETS))
def test_hostile_input_gets_a_clear_answer(route, quiet, world):
    target = TARGETS[route]
    client = _client(world, target)
    run = Run()
    if target.get:
        _check(client.get(world.path(_row(route, target))), f"GET {route}")
        run.gets += 1
    _fuzz_query(client, world, route, target, run)
    _fuzz_path(client, world, route, target, run)
    if target.form or target.post:
        _fuzz_forms(client, world, route, target, run)
        assert run.posts, f"{route}: no form was found to send"
    assert run.gets + run.posts > 0
    SENT["requests with hostile values (GET and POST)"] += run.gets + run.posts


@pytest.mark.parametrize(("path", "route"), sorted(FORM_CLASSES.items()))
def test_the_fuzzing_reaches_every_field_of_every_form(path, route, quiet, world):
    """The fields read from each page include every field the form class declares."""
    module, name = path.rsplit(".", 1)
    cls = getattr(__import__(module, fromlist=[name]), name)
    declared = set(getattr(cls, "base_filters", None) or cls.base_fields)
    target = TARGETS[route]
    if target.query:
        missing = declared - set(target.query)
    elif target.post:
        missing = declared - set(target.post)
    else:
        client = _client(world, target)
        url = world.path(_row(route, target))
        page = client.get(url).content.decode()
        sent = {key for form in forms_of(page, url) for key in [*form.names, *form.files]}
        missing = {name for name in declared if name not in sent}
    assert not missing, f"{route} does not send {missing}"


# --- Hypothesis: any text on the public forms and searches ----------------------------------

ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=300
)
PUBLIC_FORMS = {
    "knowledge:newsletter": ("email", "name"),
    "knowledge:advice": ("name", "email", "organisation", "message", "topic", "municipality"),
}


@pytest.mark.parametrize("route", sorted(PUBLIC_FORMS))
def test_any_text_on_a_public_form_is_refused_in_dutch_or_accepted(route, quiet, world):
    url = world.path(route)
    client = Client(raise_request_exception=True)

    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(values=st.fixed_dictionaries(dict.fromkeys(PUBLIC_FORMS[route], ANY_TEXT)))
    def send(values):
        data = {**TARGETS[route].data(world), **values, "consent": "on"}
        _check(_post(client, url, data), f"POST {route} {values!r}")
        SENT["generated texts on public forms and searches (hypothesis)"] += 1

    send()


@pytest.mark.parametrize(
    ("route", "names"),
    [
        ("knowledge:search", ("q", "kind", "theme", "audience", "year", "page")),
        ("enterprises:index", DIRECTORY),
        ("municipalities:index", ("q", "sorteer")),
        ("api:enterprises", (*DIRECTORY, "paginaGrootte")),
        ("api:municipalities", ("q", "sorteer", "pagina", "paginaGrootte")),
    ],
)
def test_any_text_in_a_search_or_filter_never_fails(route, names, quiet, world):
    url = world.path(route)
    client = Client(raise_request_exception=True)

    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(values=st.fixed_dictionaries(dict.fromkeys(names, ANY_TEXT)))
    def search(values):
        _check(client.get(url, values), f"GET {route} {values!r}")
        SENT["generated texts on public forms and searches (hypothesis)"] += 1

    search()


@pytest.mark.parametrize("kind", ["nul", "only_nul", "percent", "markup", "long"])
def test_the_admin_search_survives_hostile_text(client, kind, quiet):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:enterprises_enterprise_changelist"), {"q": VALUES[kind]})
    assert response.status_code < 500
    assert echoed(response.content.decode()) is None


# --- The checks themselves ------------------------------------------------------------------------


def test_the_checks_recognise_english_errors_and_unescaped_markup():
    assert english_message("Enter a valid email address.") is not None
    assert english_message("Ensure this value has at most 1 character (it has 2).")
    assert english_message("Voer een geldig e-mailadres in.") is None
    assert echoed(f"<p>{VALUES['markup']}</p>") == "<x-fuzz"
    assert echoed('<input value="&lt;x-fuzz&gt;&quot; onmouseover=&quot;alert(1)&quot;">') is None
    page = '<ul class="errorlist" id="e"><li>Vul dit veld in.</li></ul>'
    page += '<p class="message message--error">Kies een rol.</p>'
    assert errors_in(page) == ["Vul dit veld in.", "Kies een rol."]


# --- Hostile data at rest -------------------------------------------------------------------------

AT_REST = VALUES["markup"] + "\x01\u202e" + VALUES["attribute"]
NOT_TEXT = {"token", "input_hash", "html", "password", "key", "cbs_code"}


def _make_every_text_hostile() -> int:
    """Put markup, control characters and a right-to-left override in every free-text column of
    every row of the portal's own models (as an old import or the admin might have)."""
    from django.apps import apps
    from django.db import models

    changed = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        columns = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not isinstance(f, models.SlugField | models.EmailField | models.URLField)
            and not f.choices
            and f.name not in NOT_TEXT
        ]
        if not columns:
            continue
        for pk in model._base_manager.values_list("pk", flat=True):
            suffix = str(pk)  # unique columns stay unique
            values = {
                f.name: (AT_REST[: f.max_length - len(suffix)] if f.max_length else AT_REST)
                + suffix
                for f in columns
            }
            changed += model._base_manager.filter(pk=pk).update(**values)
    return changed


def test_hostile_data_at_rest_is_shown_escaped_on_every_page(world, quiet):
    assert _make_every_text_hostile() > 20
    for route, target in sorted(TARGETS.items()):
        if not target.get or route == "media":
            continue
        client = _client(world, target)
        response = client.get(world.path(_row(route, target)))
        _check(response, f"GET {route} with hostile data at rest", judge_messages=False)


def test_hostile_data_at_rest_in_the_pdfs_stays_text(world, quiet):
    from knowledge import case_pdf
    from municipalities import brief

    _make_every_text_hostile()
    world.case_public.refresh_from_db()
    world.municipality.refresh_from_db()
    for html in (case_pdf.case_html(world.case_public), brief.brief_html(world.municipality)):
        assert echoed(html) is None
