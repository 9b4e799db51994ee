"""The fixture world of the permission matrix: one object of every kind, one user per role.

Built once per test module (see ``test_permission_matrix.py``) inside a transaction that is
rolled back at the end; every request of the matrix runs in a savepoint of its own, so what a
POST changes never reaches the next cell.

Texts that only some roles may see carry a marker (``SECRETS``): the matrix checks that no page
shows a marker to a role that may not see it, so a list page, a feed or an export cannot leak
what the detail page guards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils import timezone

from accounts.roles import ensure_roles
from enterprises import imports
from enterprises import services as enterprise_services
from enterprises.models import (
    EnterpriseStatus,
    Invitation,
    Membership,
    MembershipRole,
    Theme,
)
from knowledge import services as knowledge_services
from knowledge.models import AdviceRequest, Audience, PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor import services as monitor_services
from municipalities.models import BriefJob, Follower, LinkStatus
from pioneers.models import Area, Element, ReviewScore
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    ArticleFactory,
    AssetFactory,
    CaseDescriptionFactory,
    CohortFactory,
    EnterpriseFactory,
    ExpertFactory,
    FAQCategoryFactory,
    FAQFactory,
    LessonFactory,
    LogEntryFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    ReportRequestFactory,
    StaffFactory,
    SubscriberFactory,
    SupportItemFactory,
    UserFactory,
    YearFiguresFactory,
    make_reading,
)

# The roles, in the order of the matrix's columns.
ROLES = {
    "A": "anonymous visitor",
    "R": "verified resident without an enterprise",
    "E": "editor of the enterprises (concept, submitted, rejected, published, archived)",
    "O": "owner of the same enterprises",
    "P": "member (owner) of the pioneer's enterprise",
    "M": "municipal officer, linked to the world's municipality",
    "S": "LSA staff (group LSA-medewerker, admin access)",
    "U": "superuser (no group)",
}

# Marker -> the roles that may see it on some page. Every other role must never see it.
SECRETS = {
    "Geheim Conceptbedrijf": "EOSU",  # the name of a concept enterprise
    "Ingediend Wachtbedrijf": "EOSU",  # a submitted, not yet published enterprise
    "Afgewezen Herkansbedrijf": "EOSU",  # a rejected enterprise
    "Gearchiveerd Slotbedrijf": "EOSU",  # an enterprise that stopped
    "REDEN-AFWIJZING-5521": "EOSU",  # the reason staff gave for the rejection
    "contact-geheim@open-buurtbedrijf.example": "EOMSU",  # contact person the officer may see
    "contact-concept@geheim-conceptbedrijf.example": "EOSU",  # agreed, but not published
    "contact-elders@andere-stad.example": "SU",  # agreed, but in another municipality
    "INTERN-LOGBOEK-7731": "SU",  # an internal log entry of the pioneer
    "GEDEELD-LOGBOEK-2209": "PSU",  # a log entry shared with the pioneer
    "AMBITIE-NIET-OPENBAAR-3321": "PSU",  # the pioneer did not agree to show its ambition
    "MIJLPAAL-GEPLAND-5150": "PSU",  # a milestone not yet achieved
    "ONDERSTEUNING-TAXATIE-6006": "PSU",  # an item of the pioneer's support plan
    "expert-geheim@example.org": "SU",  # the expert network is staff's
    "ANTWOORD-CONCEPTAANVRAAG-1187": "EOSU",  # a draft application
    "ANTWOORD-INGEDIEND-4478": "PSU",  # a submitted application
    "BEOORDELING-GEHEIM-4410": "SU",  # a reviewer's comment on an application
    "Conceptrapport Verborgen": "SU",  # a draft report
    "Conceptartikel Verborgen": "SU",
    "Conceptcasus Verborgen": "SU",
    "Conceptvraag Verborgen": "SU",
    "Conceptles Verborgen": "SU",  # a lesson not yet published
    "MOTIVATIE-KOPPELING-8812": "SU",  # an officer's pending link request
    "aanvrager-geheim@example.org": "SU",  # who requested a report
    "lezer-geheim@example.org": "SU",  # a newsletter subscriber
}


@dataclass
class World:
    """The users by role, their sessions, the objects by name (``world.concept``) and the
    tokens of links that arrive by mail. The matrix adds what it keeps for the whole module."""

    users: dict[str, object]
    session_keys: dict[str, str]
    objects: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    media_root: object = None
    baseline: dict[str, list] = field(default_factory=dict)  # every table's rows
    paths: dict[str, str] = field(default_factory=dict)  # row -> path, filled as asked
    clients: dict[str, Client] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["objects"][name]
        except KeyError as error:
            raise AttributeError(name) from error


def _users() -> dict[str, object]:
    ensure_roles()
    superuser = UserFactory(email="super@example.org", is_superuser=True, is_staff=True)
    return {
        "R": UserFactory(email="bewoner@example.org"),
        "E": UserFactory(email="redacteur@example.org"),
        "O": UserFactory(email="eigenaar@example.org"),
        "P": UserFactory(email="pionier@example.org"),
        "M": MunicipalOfficerFactory(email="ambtenaar@example.org"),
        "S": StaffFactory(email="medewerker@example.org"),
        "U": superuser,
    }


def _session_keys(users: dict[str, object]) -> dict[str, str]:
    """Log every role in once; each request then only carries the session cookie."""
    keys = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _enterprises(w: World) -> None:
    users = w.users
    town = MunicipalityFactory(name="Matrixstad", slug="matrixstad", cbs_code="GM9901")
    w.objects["municipality"] = town
    energy = Theme.objects.filter(slug="energie")
    complete = {
        "municipality": town,
        "kvk_number": "12345678",
        "legal_form": "stichting",
        "themes": energy,
    }
    concept = EnterpriseFactory(
        name="Geheim Conceptbedrijf",
        slug="geheim-conceptbedrijf",
        status=EnterpriseStatus.CONCEPT,
        published_at=None,
        contact_name="Contactpersoon Concept",
        contact_email="contact-concept@geheim-conceptbedrijf.example",
        municipality_may_contact=True,
        **complete,
    )
    submitted = EnterpriseFactory(
        name="Ingediend Wachtbedrijf",
        slug="ingediend-wachtbedrijf",
        status=EnterpriseStatus.SUBMITTED,
        published_at=None,
        submitted_at=timezone.now(),
        **complete,
    )
    rejected = EnterpriseFactory(
        name="Afgewezen Herkansbedrijf",
        slug="afgewezen-herkansbedrijf",
        status=EnterpriseStatus.REJECTED,
        published_at=None,
        rejection_reason="REDEN-AFWIJZING-5521",
        **complete,
    )
    published = EnterpriseFactory(
        name="Open Buurtbedrijf",
        slug="open-buurtbedrijf",
        contact_name="Contactpersoon Open",
        contact_email="contact-geheim@open-buurtbedrijf.example",
        municipality_may_contact=True,
        **complete,
    )
    archived = EnterpriseFactory(
        name="Gearchiveerd Slotbedrijf",
        slug="gearchiveerd-slotbedrijf",
        status=EnterpriseStatus.ARCHIVED,
        **complete,
    )
    for enterprise in (concept, submitted, rejected, published, archived):
        MembershipFactory(enterprise=enterprise, user=users["O"], role=MembershipRole.OWNER)
        MembershipFactory(enterprise=enterprise, user=users["E"], role=MembershipRole.EDITOR)
        YearFiguresFactory(enterprise=enterprise, year=2024)
        AssetFactory(enterprise=enterprise)
    # A second editor, whom the owner may remove or promote (the editor may not; nobody may
    # once the enterprise is archived).
    co_editor = UserFactory(email="mederedacteur@example.org")
    w.objects.update(
        concept=concept,
        submitted=submitted,
        rejected=rejected,
        published=published,
        archived=archived,
        co_membership=MembershipFactory(
            enterprise=concept, user=co_editor, role=MembershipRole.EDITOR
        ),
        archived_co_membership=MembershipFactory(
            enterprise=archived, user=co_editor, role=MembershipRole.EDITOR
        ),
        editor_membership=Membership.objects.get(enterprise=concept, user=users["E"]),
        asset=concept.assets.get(),
        figures=concept.year_figures.get(),
        invitation=Invitation.objects.create(
            enterprise=concept,
            email="Bewoner@example.org",  # the resident's address: only R may accept
            role=MembershipRole.EDITOR,
            token="uitnodiging-matrix-token",
            invited_by=users["O"],
            expires_at=timezone.now() + timedelta(days=14),
        ),
    )
    w.tokens["invitation"] = "uitnodiging-matrix-token"
    # A preview of an import by staff: confirming it creates an enterprise staff keep.
    w.objects["import_batch"] = enterprise_services.preview_import(
        imports.read_bytes(
            b"naam;gemeente;soort;wijk;jaar;verkoop\nMatrix Import;GM9901;anders;Noord;2024;1.000\n"
        ),
        by=users["S"],
        file_name="matrix.csv",
    )


def _pioneers(w: World) -> None:
    users = w.users
    cohort = CohortFactory(name="WijkBV Matrixcohort", slug="wijkbv-matrixcohort")
    # A second cohort, open for applications, to which nobody has applied yet.
    open_cohort = CohortFactory(name="WijkBV Nieuw cohort", slug="wijkbv-nieuw-cohort")
    enterprise = EnterpriseFactory(
        name="Pionier Badhuis", slug="pionier-badhuis", municipality=w.municipality
    )
    MembershipFactory(enterprise=enterprise, user=users["P"], role=MembershipRole.OWNER)
    submitted = ApplicationFactory(
        cohort=cohort,
        enterprise=enterprise,
        status="ingediend",
        submitted_at=timezone.now(),
        answer_ambition="ANTWOORD-INGEDIEND-4478",
    )
    for criterion in ("bewoners", "ambitie"):
        ReviewScore.objects.create(
            application=submitted,
            reviewer=users["S"],
            criterion=criterion,
            score=4,
            comment="BEOORDELING-GEHEIM-4410",
        )
    draft = ApplicationFactory(
        cohort=cohort, enterprise=w.published, answer_ambition="ANTWOORD-CONCEPTAANVRAAG-1187"
    )
    pioneer = PioneerFactory(
        enterprise=enterprise,
        cohort=cohort,
        slug="pionier-badhuis",
        show_on_programme_page=True,
        ambition="AMBITIE-NIET-OPENBAAR-3321",
    )
    LogEntryFactory(pioneer=pioneer, text="GEDEELD-LOGBOEK-2209")
    LogEntryFactory(pioneer=pioneer, text="INTERN-LOGBOEK-7731", visibility="intern")
    area = Area.objects.order_by("order").first()
    expert = ExpertFactory(areas=[area], email="expert-geheim@example.org")
    make_reading(pioneer, taken_on=timezone.localdate() - timedelta(days=30), by=users["S"])
    w.objects.update(
        cohort=cohort,
        open_cohort=open_cohort,
        pioneer=pioneer,
        application_submitted=submitted,
        application_draft=draft,
        milestone=MilestoneFactory(pioneer=pioneer, title="MIJLPAAL-GEPLAND-5150"),
        support_item=SupportItemFactory(
            pioneer=pioneer, area=area, expert=expert, description="ONDERSTEUNING-TAXATIE-6006"
        ),
        lesson_draft=LessonFactory(pioneer=pioneer, title="Conceptles Verborgen"),
        lesson_published=LessonFactory(
            pioneer=pioneer,
            title="Gepubliceerde les",
            published=True,
            published_at=timezone.now() - timedelta(days=1),
        ),
        expert=expert,
        element=Element.objects.filter(pioneer__isnull=True, active=True).order_by("order")[0],
    )


def _done_case_job(case, version: int) -> PdfJob:
    job = PdfJob(
        case=case,
        status=PdfJobStatus.DONE,
        input_hash=f"{case.slug}-{version}",
        version=version,
        finished_at=timezone.now(),
    )
    job.file.save(f"{case.slug}-{version}.pdf", ContentFile(MINIMAL_PDF), save=False)
    job.save()
    return job


def _knowledge(w: World) -> None:
    report_open = ReportFactory(title="Open rapport", slug="open-rapport")
    report_on_request = ReportFactory(
        title="Rapport op aanvraag", slug="rapport-op-aanvraag", access="op-aanvraag"
    )
    report_draft = ReportFactory(
        title="Conceptrapport Verborgen", slug="conceptrapport", status="concept"
    )
    request = ReportRequestFactory(report=report_on_request, email="aanvrager-geheim@example.org")
    category = FAQCategoryFactory(name="Matrixvragen", slug="matrixvragen")
    FAQFactory(question="Openbare vraag?", slug="openbare-vraag", category=category)
    FAQFactory(
        question="Conceptvraag Verborgen?", slug="conceptvraag", category=category, status="concept"
    )
    case_public = CaseDescriptionFactory(
        title="Openbare casus", slug="openbare-casus", enterprise=w.published
    )
    case_draft = CaseDescriptionFactory(
        title="Conceptcasus Verborgen", slug="conceptcasus", status="concept"
    )
    subscriber = SubscriberFactory(
        email="lezer-geheim@example.org", confirmed=True, confirmed_at=timezone.now()
    )
    unconfirmed = SubscriberFactory(email="nog-niet-bevestigd@example.org")
    AdviceRequest.objects.create(
        name="Adviesvrager",
        email="advies@example.org",
        organisation="Gemeente Matrixstad",
        municipality=w.municipality,
        topic="workshop",
        message="Graag een workshop.",
        consent=True,
    )
    w.objects.update(
        report_open=report_open,
        report_on_request=report_on_request,
        report_draft=report_draft,
        article_published=ArticleFactory(title="Open artikel", slug="open-artikel"),
        article_draft=ArticleFactory(
            title="Conceptartikel Verborgen", slug="conceptartikel", status="concept"
        ),
        case_public=case_public,
        case_draft=case_draft,
        case_public_job=_done_case_job(case_public, 1),
        case_draft_job=_done_case_job(case_draft, 1),
        audience=Audience.objects.order_by("pk").first(),
    )
    w.tokens.update(
        report_download=knowledge_services.download_token(request),
        newsletter_confirm=knowledge_services.confirm_token(unconfirmed),
        newsletter_unsubscribe=knowledge_services.unsubscribe_token(subscriber),
    )


def _municipalities(w: World) -> None:
    OfficerLinkFactory(user=w.users["M"], municipality=w.municipality)
    pending = OfficerLinkFactory(
        user=MunicipalOfficerFactory(email="ander-ambtenaar@example.org"),
        municipality=w.municipality,
        status=LinkStatus.REQUESTED,
        decided_at=None,
        motivation="MOTIVATIE-KOPPELING-8812",
    )
    brief = BriefJob(
        municipality=w.municipality,
        status=PdfJobStatus.DONE,
        input_hash="matrix-brief",
        finished_at=timezone.now(),
    )
    brief.file.save("matrixstad.pdf", ContentFile(MINIMAL_PDF), save=False)
    brief.save()
    follower = Follower.objects.create(
        municipality=w.municipality,
        email="volger@example.org",
        token="volger-matrix-token",
        confirmed_at=timezone.now(),
    )
    other_town = MunicipalityFactory(name="Andere Stad", slug="andere-stad", cbs_code="GM9902")
    EnterpriseFactory(
        name="Buurtbedrijf Elders",
        slug="buurtbedrijf-elders",
        municipality=other_town,
        contact_name="Contactpersoon Elders",
        contact_email="contact-elders@andere-stad.example",
        municipality_may_contact=True,
    )
    w.objects.update(pending_link=pending, brief=brief, follower=follower, other_town=other_town)
    w.tokens["follower"] = follower.token


def _monitor_report(w: World) -> None:
    """The report of the fixed monitor of the closed round's year, made (not yet published)."""
    from monitor.models import ReportJob
    from monitor.selectors import newest_edition

    edition = newest_edition(w.round_closed.year)
    job = ReportJob(
        edition=edition,
        status=PdfJobStatus.DONE,
        input_hash="matrix-report",
        finished_at=timezone.now(),
    )
    job.file.save("monitor-2024.pdf", ContentFile(MINIMAL_PDF), save=False)
    job.save()
    w.objects.update(report_job=job)


def _monitor(w: World) -> None:
    """A closed reporting round (its monitor fixed) and an open one, with flagged figures."""
    staff = w.users["S"]
    deadline = timezone.localdate() + timedelta(days=30)
    YearFiguresFactory(enterprise=w.published, year=2023)
    closed = monitor_services.open_round(
        year=2023, deadline=deadline, reminder_days="14,3", by=staff
    )
    monitor_services.close_round(closed, by=staff)
    opened = monitor_services.open_round(
        year=2024, deadline=deadline, reminder_days="14,3", by=staff
    )
    flagged = w.published.year_figures.get(year=2024)
    flagged.flags = ["no-expenses"]
    flagged.save(update_fields=["flags"])
    w.objects.update(round_open=opened, round_closed=closed, flagged_figures=flagged)


def build_world(media_root) -> World:
    """Every object the matrix needs, created with the project's factories."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=fast,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        users = _users()
        w = World(users=users, session_keys={}, media_root=media_root)
        _enterprises(w)
        _pioneers(w)
        _knowledge(w)
        _municipalities(w)
        _monitor(w)
        _monitor_report(w)
        w.session_keys = _session_keys(users)
    return w
