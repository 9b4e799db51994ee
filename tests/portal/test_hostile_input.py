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
from types import SimpleNamespace
from urllib.parse import quote

import django_filters
import pytest
from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enterprises import imports
from enterprises import services as enterprise_services
from enterprises.models import Invitation, MembershipRole
from knowledge.models import PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor import services as monitor_services
from monitor.models import ReportJob
from monitor.selectors import newest_edition
from municipalities.models import BriefJob, LinkStatus
from pioneers.models import Element
from tests.factories import (
    ApplicationFactory,
    ArticleFactory,
    AssetFactory,
    CaseDescriptionFactory,
    CohortFactory,
    EnterpriseFactory,
    ExpertFactory,
    FAQFactory,
    LessonFactory,
    LogEntryFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    StaffFactory,
    SupportItemFactory,
    UserFactory,
    YearFiguresFactory,
    make_reading,
)

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
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint of it, so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> SimpleNamespace:
    """One of everything, with the people who may see it."""
    w = SimpleNamespace()
    w.staff = StaffFactory()
    w.owner = UserFactory()
    w.editor = UserFactory()
    w.officer = MunicipalOfficerFactory()
    w.officer_unlinked = MunicipalOfficerFactory()
    w.enterprise = EnterpriseFactory(municipality_may_contact=True, contact_name="Kim")
    w.municipality = w.enterprise.municipality
    MembershipFactory(enterprise=w.enterprise, user=w.owner, role=MembershipRole.OWNER)
    w.editor_membership = MembershipFactory(
        enterprise=w.enterprise, user=w.editor, role=MembershipRole.EDITOR
    )
    w.concept = EnterpriseFactory(status="concept", published_at=None, municipality=w.municipality)
    MembershipFactory(enterprise=w.concept, user=w.owner, role=MembershipRole.OWNER)
    w.submitted = EnterpriseFactory(
        status="ingediend", published_at=None, submitted_at=timezone.now()
    )
    w.asset = AssetFactory(enterprise=w.enterprise)
    w.figures = YearFiguresFactory(enterprise=w.enterprise, year=2024)
    w.invitation = Invitation.objects.create(
        enterprise=w.enterprise,
        email="nieuw@example.org",
        role=MembershipRole.EDITOR,
        token="uitnodiging-token-0123456789",
        invited_by=w.owner,
        expires_at=timezone.now() + timedelta(days=7),
    )
    w.import_batch = enterprise_services.preview_import(
        imports.read_bytes(
            f"naam;gemeente;soort;wijk;jaar;verkoop\nFuzzimport;{w.municipality.cbs_code};"
            "anders;Noord;2023;€ 1.000\n".encode()
        ),
        by=w.staff,
        file_name="fuzz.csv",
    )
    OfficerLinkFactory(user=w.officer, municipality=w.municipality)
    w.pending_link = OfficerLinkFactory(
        municipality=w.municipality, status=LinkStatus.REQUESTED, decided_at=None
    )

    w.cohort = CohortFactory()
    w.pioneer = PioneerFactory(enterprise=w.enterprise, cohort=w.cohort)
    w.open_enterprise = EnterpriseFactory(municipality=w.municipality)
    MembershipFactory(enterprise=w.open_enterprise, user=w.owner, role=MembershipRole.OWNER)
    w.draft = ApplicationFactory(enterprise=w.concept, cohort=w.cohort)
    w.application = ApplicationFactory(
        enterprise=w.submitted, cohort=w.cohort, status="ingediend", submitted_at=timezone.now()
    )
    w.milestone = MilestoneFactory(pioneer=w.pioneer)
    w.support = SupportItemFactory(pioneer=w.pioneer)
    w.lesson = LessonFactory(pioneer=w.pioneer)
    LogEntryFactory(pioneer=w.pioneer)
    make_reading(w.pioneer, timezone.localdate() - timedelta(days=30), by=w.staff)
    w.expert = ExpertFactory()
    w.element = Element.objects.filter(pioneer__isnull=True).first()

    w.report = ReportFactory()
    w.report_on_request = ReportFactory(access="op-aanvraag")
    w.article = ArticleFactory()
    w.case = CaseDescriptionFactory()
    FAQFactory()
    w.pdf_job = PdfJob.objects.create(case=w.case, status=PdfJobStatus.QUEUED, input_hash="x")
    w.brief_job = BriefJob.objects.create(
        municipality=w.municipality, status=PdfJobStatus.QUEUED, input_hash="x"
    )

    # A closed reporting round (2024, its monitor fixed) and an open one (this year).
    deadline = timezone.localdate() + timedelta(days=30)
    w.round_closed = monitor_services.open_round(
        year=2024, deadline=deadline, reminder_days="14,3", by=w.staff
    )
    monitor_services.close_round(w.round_closed, by=w.staff)
    w.round_open = monitor_services.open_round(
        year=timezone.localdate().year, deadline=deadline, reminder_days="14,3", by=w.staff
    )
    w.report_job = ReportJob.objects.create(
        edition=newest_edition(2024), status=PdfJobStatus.QUEUED, input_hash="x"
    )
    return w


# --- What each URL is tried with ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """How one URL is tried. ``form``: its page has POST forms, read from the page and sent back
    with one field at a time made hostile. ``post``: a POST-only view and its fields.
    ``query``: its search or filter parameters. ``path``: URL arguments that take text."""

    user: str | None = None
    kwargs: Callable = lambda w: {}
    query: tuple[str, ...] = ()
    form: bool = False
    post: tuple[str, ...] = ()
    data: Callable = lambda w: {}
    path: tuple[str, ...] = ()
    get: bool = True
    # Routes whose forms belong to another package (allauth): still fuzzed, errors not judged.
    own_messages: bool = True


def _slug(obj_name):
    return lambda w: {"slug": getattr(w, obj_name).slug}


def _enterprise_pk(obj_name):
    return lambda w: {"slug": w.enterprise.slug, "pk": getattr(w, obj_name).pk}


def _pioneer_pk(obj_name):
    return lambda w: {"slug": w.pioneer.slug, "pk": getattr(w, obj_name).pk}


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
    "media": Target(kwargs=lambda w: {"path": "enterprises/logos/x.png"}, path=("path",)),
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
    "account_confirm_email": Target(kwargs=lambda w: {"key": "sleutel"}, path=("key",), form=True),
    "account_reset_password_from_key_done": Target(),
    "account_reset_password_from_key": Target(
        kwargs=lambda w: {"uidb36": "1", "key": "sleutel"}, path=("uidb36", "key"), form=True
    ),
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
    "enterprises:invitation": Target(
        user="editor", kwargs=lambda w: {"token": w.invitation.token}, path=("token",), form=True
    ),
    "enterprises:profile": Target(kwargs=_slug("enterprise"), path=("slug",)),
    "enterprises:archive": Target(user="owner", kwargs=_slug("concept"), post=("x",), get=False),
    "enterprises:edit": Target(user="owner", kwargs=_slug("enterprise"), form=True),
    "enterprises:submit": Target(user="owner", kwargs=_slug("concept"), post=("x",), get=False),
    "enterprises:assets": Target(user="owner", kwargs=_slug("enterprise")),
    "enterprises:asset_add": Target(user="owner", kwargs=_slug("enterprise"), form=True),
    "enterprises:asset_edit": Target(user="owner", kwargs=_enterprise_pk("asset"), form=True),
    "enterprises:asset_delete": Target(
        user="owner", kwargs=_enterprise_pk("asset"), post=("x",), get=False
    ),
    "enterprises:figures": Target(user="owner", kwargs=_slug("enterprise")),
    "enterprises:figures_add": Target(
        user="owner", kwargs=_slug("enterprise"), form=True, data=lambda w: {"year": "2023"}
    ),
    "enterprises:figures_edit": Target(
        user="owner", kwargs=lambda w: {"slug": w.enterprise.slug, "year": 2024}, form=True
    ),
    "enterprises:members": Target(user="owner", kwargs=_slug("enterprise"), form=True),
    "enterprises:member_remove": Target(
        user="owner", kwargs=_enterprise_pk("editor_membership"), post=("x",), get=False
    ),
    "enterprises:member_role": Target(
        user="owner", kwargs=_enterprise_pk("editor_membership"), post=("role",), get=False
    ),
    "enterprises:invitation_revoke": Target(
        user="owner", kwargs=_enterprise_pk("invitation"), post=("x",), get=False
    ),
    "enterprises:review": Target(
        user="staff",
        kwargs=_slug("submitted"),
        form=True,
        data=lambda w: {"decision": "reject", "reason": "Nog niet compleet."},
    ),
    "enterprises:import": Target(user="staff", form=True),
    "enterprises:import_template_xlsx": Target(user="staff"),
    "enterprises:import_template_csv": Target(user="staff"),
    "enterprises:import_preview": Target(
        user="staff", kwargs=lambda w: {"pk": w.import_batch.pk}, query=("toon", "pagina")
    ),
    "enterprises:import_confirm": Target(
        user="staff", kwargs=lambda w: {"pk": w.import_batch.pk}, post=("x",), get=False
    ),
    "enterprises:import_discard": Target(
        user="staff", kwargs=lambda w: {"pk": w.import_batch.pk}, post=("x",), get=False
    ),
    # Monitor
    "monitor:index": Target(),
    "monitor:year": Target(kwargs=lambda w: {"year": 2024}),
    "monitor:report": Target(user="staff", kwargs=lambda w: {"year": 2024}, post=("action",)),
    "monitor:report_status": Target(user="staff", kwargs=lambda w: {"pk": w.report_job.pk}),
    "monitor:report_download": Target(user="staff", kwargs=lambda w: {"pk": w.report_job.pk}),
    "monitor:rounds": Target(
        user="staff",
        form=True,
        data=lambda w: {"deadline": (timezone.localdate() + timedelta(days=30)).isoformat()},
    ),
    "monitor:round": Target(user="staff", kwargs=lambda w: {"year": w.round_closed.year}),
    "monitor:round_close": Target(
        user="staff", kwargs=lambda w: {"year": w.round_open.year}, form=True
    ),
    "monitor:round_correction": Target(
        user="staff",
        kwargs=lambda w: {"year": w.round_closed.year},
        post=("note",),
        get=False,
    ),
    "monitor:figures_checked": Target(
        user="staff",
        kwargs=lambda w: {"year": w.figures.year, "pk": w.figures.pk},
        post=("x",),
        get=False,
    ),
    "monitor:round_non_respondents": Target(
        user="staff", kwargs=lambda w: {"year": w.round_open.year}
    ),
    # Pioneers
    "pioneers:index": Target(),
    "pioneers:apply": Target(user="owner", form=True),
    "pioneers:application": Target(user="owner", kwargs=lambda w: {"pk": w.draft.pk}, form=True),
    "pioneers:review_list": Target(user="staff", query=("cohort",)),
    "pioneers:review": Target(user="staff", kwargs=lambda w: {"pk": w.application.pk}, form=True),
    "pioneers:experts": Target(user="staff", query=("gebied", "q")),
    "pioneers:expert": Target(user="staff", kwargs=lambda w: {"pk": w.expert.pk}),
    "pioneers:compare": Target(
        user="staff",
        kwargs=lambda w: {"element_slug": w.element.slug},
        query=("cohort",),
        path=("element_slug",),
    ),
    "pioneers:dashboard": Target(user="staff", query=("cohort",)),
    "pioneers:pioneer": Target(user="owner", kwargs=_slug("pioneer")),
    "pioneers:pioneer_edit": Target(user="staff", kwargs=_slug("pioneer"), form=True),
    "pioneers:log": Target(user="owner", kwargs=_slug("pioneer"), query=("pagina",)),
    "pioneers:log_new": Target(
        user="staff", kwargs=_slug("pioneer"), form=True, data=lambda w: {"date": TODAY(w)}
    ),
    "pioneers:history": Target(user="owner", kwargs=_slug("pioneer")),
    "pioneers:reading_new": Target(
        user="staff", kwargs=_slug("pioneer"), form=True, data=lambda w: {"taken_on": TODAY(w)}
    ),
    "pioneers:element_new": Target(user="staff", kwargs=_slug("pioneer"), form=True),
    "pioneers:milestone_new": Target(
        user="staff", kwargs=_slug("pioneer"), form=True, data=lambda w: {"due_date": TODAY(w)}
    ),
    "pioneers:milestone_edit": Target(user="staff", kwargs=_pioneer_pk("milestone"), form=True),
    "pioneers:support_new": Target(user="staff", kwargs=_slug("pioneer"), form=True),
    "pioneers:support_edit": Target(user="staff", kwargs=_pioneer_pk("support"), form=True),
    "pioneers:lessons": Target(user="staff", kwargs=_slug("pioneer")),
    "pioneers:lesson_new": Target(user="staff", kwargs=_slug("pioneer"), form=True),
    "pioneers:lesson_publish": Target(
        user="staff", kwargs=_pioneer_pk("lesson"), post=("publish",), get=False
    ),
    # Knowledge
    "knowledge:index": Target(),
    "knowledge:search": Target(query=("q", "kind", "theme", "audience", "year", "page")),
    "knowledge:reports": Target(query=PAGE),
    "knowledge:report": Target(kwargs=_slug("report"), path=("slug",)),
    "knowledge:report_download": Target(kwargs=_slug("report")),
    "knowledge:report_download_signed": Target(
        kwargs=lambda w: {"slug": w.report_on_request.slug, "token": "teken"}, path=("token",)
    ),
    "knowledge:report_request": Target(
        kwargs=_slug("report_on_request"),
        form=True,
        data=lambda w: {"name": "Kim", "email": "kim@example.org", "consent": "on"},
    ),
    "knowledge:report_request_sent": Target(kwargs=_slug("report_on_request")),
    "knowledge:faq": Target(),
    "knowledge:articles": Target(query=PAGE),
    "knowledge:article": Target(kwargs=_slug("article")),
    "knowledge:cases": Target(query=PAGE),
    "knowledge:case": Target(kwargs=_slug("case")),
    "knowledge:case_pdf": Target(kwargs=_slug("case")),
    "knowledge:case_pdf_version": Target(
        user="staff", kwargs=lambda w: {"slug": w.case.slug, "pk": w.pdf_job.pk}
    ),
    "knowledge:case_pdf_generate": Target(
        user="staff", kwargs=_slug("case"), post=("x",), get=False
    ),
    "knowledge:pdf_job_status": Target(user="staff", kwargs=lambda w: {"pk": w.pdf_job.pk}),
    "knowledge:cohort_pdfs": Target(user="staff", kwargs=_slug("cohort")),
    "knowledge:newsletter": Target(form=True, data=lambda w: {"email": "lezer@example.org"}),
    "knowledge:newsletter_sent": Target(),
    "knowledge:newsletter_confirm": Target(
        kwargs=lambda w: {"token": "teken"}, path=("token",), form=True
    ),
    "knowledge:newsletter_unsubscribe": Target(
        kwargs=lambda w: {"token": "teken"}, path=("token",), post=("x",)
    ),
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
    # Municipalities
    "municipalities:index": Target(query=("q", "sorteer")),
    "municipalities:link_queue": Target(user="staff"),
    "municipalities:link_decide": Target(
        user="staff",
        kwargs=lambda w: {"pk": w.pending_link.pk},
        post=("decision",),
        data=lambda w: {"decision": "afwijzen"},
        get=False,
    ),
    "municipalities:follow_confirm": Target(
        kwargs=lambda w: {"token": "teken"}, path=("token",), form=True
    ),
    "municipalities:unfollow": Target(
        kwargs=lambda w: {"token": "teken"}, path=("token",), form=True
    ),
    "municipalities:detail": Target(kwargs=_slug("municipality"), path=("slug",)),
    "municipalities:link_request": Target(
        user="officer_unlinked",
        kwargs=_slug("municipality"),
        form=True,
        data=lambda w: {"job_title": "Beleidsadviseur"},
    ),
    "municipalities:export_csv": Target(user="officer", kwargs=_slug("municipality")),
    "municipalities:export_xlsx": Target(user="officer", kwargs=_slug("municipality")),
    "municipalities:follow": Target(
        kwargs=_slug("municipality"),
        post=("email",),
        data=lambda w: {"email": "volger@example.org"},
        get=False,
    ),
    "municipalities:brief": Target(
        user="officer", kwargs=_slug("municipality"), post=("x",), get=False
    ),
    "municipalities:brief_status": Target(
        kwargs=lambda w: {"slug": w.municipality.slug, "pk": w.brief_job.pk}
    ),
    "municipalities:brief_download": Target(
        kwargs=lambda w: {"slug": w.municipality.slug, "pk": w.brief_job.pk}
    ),
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
    "lsa_portal",
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
        client.force_login(getattr(world, target.user))
    return client


def _url(route: str, kwargs: dict) -> str:
    return reverse(route, kwargs=kwargs)


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
    url = _url(route, target.kwargs(world))
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
    url = _url(route, target.kwargs(world))
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
    kwargs = target.kwargs(world)
    for name in target.path:
        try:
            template = _url(route, {**kwargs, name: PLACEHOLDER})
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
def quiet(settings):
    """No rate limits while thousands of requests come from one address; password hashing fast."""
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (10**9, 3600)
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("route", sorted(TARGETS))
def test_hostile_input_gets_a_clear_answer(route, quiet, world):
    target = TARGETS[route]
    client = _client(world, target)
    run = Run()
    if target.get:
        _check(client.get(_url(route, target.kwargs(world))), f"GET {route}")
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
        url = _url(route, target.kwargs(world))
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
    url = _url(route, {})
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
    ],
)
def test_any_text_in_a_search_or_filter_never_fails(route, names, quiet, world):
    url = _url(route, {})
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
        response = client.get(_url(route, target.kwargs(world)))
        _check(response, f"GET {route} with hostile data at rest", judge_messages=False)


def test_hostile_data_at_rest_in_the_pdfs_stays_text(world, quiet):
    from knowledge import case_pdf
    from municipalities import brief

    _make_every_text_hostile()
    world.case.refresh_from_db()
    world.municipality.refresh_from_db()
    for html in (case_pdf.case_html(world.case), brief.brief_html(world.municipality)):
        assert echoed(html) is None
