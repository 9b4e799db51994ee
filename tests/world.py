"""The fixture world: one object of every kind and one user per role, shared by the permission
matrix (``tests/portal/test_permission_matrix.py``), the hostile-input test
(``tests/portal/test_hostile_input.py``) and the accessibility audit
(``tests/browser/test_accessibility.py``), and the one table (``PATHS``) that says which object
of the world fills the path of each URL.

``build_world(media_root)`` only creates rows and files; the caller decides their lifetime. The
matrix and the hostile-input test build it once per module inside a transaction that is rolled
back at the end (each test or request then runs in a savepoint of its own); the accessibility
audit builds it in each test of a transactional database, so that its live server sees it. Users
get ``DEFAULT_PASSWORD``, hashed with the hashers in force: build under ``FAST_HASHERS`` and keep
them in force wherever a password is checked.

A URL is named by a row: ``url_name`` (``enterprises:profile``) or ``url_name@variant``
(``enterprises:profile@concept``) when the same URL is tried on another object. ``World.path(row)``
builds its path: from the row's own ``PATHS`` entry, else from its URL name's entry (the usual
object), else with no arguments.

Adding a page:
  1. If its URL takes arguments, add a ``PATHS`` entry here: ``"app:name": lambda w: {...}`` with
     the world's objects (``w.concept``, ``w.pioneer``, ``w.users["S"]``, ``w.tokens[...]``). If
     the page needs an object the world lacks, create it in the builder of its app below, under a
     name in ``w.objects``. Add ``"app:name@variant"`` entries for other objects worth trying.
  2. Say what each test expects of it, in that test's own table: the matrix's ``EXPECTED`` (and
     ``EXPECTED_POST``, ``POST_DATA``), the hostile-input test's ``TARGETS`` (who sends, which
     fields), the accessibility audit's visits (its page type, for the roles it differs for).
     The matrix and the hostile-input test fail for a URL they do not know, and every test
     fails for a row without a path, each saying what to add.

Texts that only some roles may see carry a marker (``SECRETS``): the matrix checks that no page
shows a marker to a role that may not see it, so a list page, a feed or an export cannot leak
what the detail page guards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import ensure_roles
from enterprises import imports
from enterprises import services as enterprise_services
from enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    Invitation,
    Membership,
    MembershipRole,
    Municipality,
    Province,
    Theme,
)
from knowledge import services as knowledge_services
from knowledge.models import AdviceRequest, Audience, PdfJob, ReportRequest, Subscriber
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor import services as monitor_services
from municipalities import services as municipality_services
from municipalities.models import BriefJob, Follower, LinkStatus
from pioneers.models import Application, Area, Element, ReviewScore
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


# Role codes by the names that tests give their users (``w.owner``, ``Target(user="staff")``).
USER_NAMES = {
    "resident": "R",
    "editor": "E",
    "owner": "O",
    "pioneer_member": "P",
    "officer": "M",
    "staff": "S",
    "superuser": "U",
}

# Password hashing that costs nothing: build the world under these, and keep them in force
# wherever a password is checked (a test's settings reach a live server's thread too).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """The users by role code (``users["S"]``, or by name: ``world.staff``), the objects by name
    (``world.concept``), the tokens of links that arrive by mail, and the paths built so far.
    A test may keep more on it for the whole module (the matrix: sessions, clients, a snapshot)."""

    users: dict[str, User]
    objects: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    media_root: object = None
    paths: dict[str, str] = field(default_factory=dict)  # row -> path, filled as asked
    session_keys: dict[str, str] = field(default_factory=dict)
    baseline: dict[str, list] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def __getattr__(self, name: str):
        if name in USER_NAMES:
            return self.__dict__["users"][USER_NAMES[name]]
        try:
            return self.__dict__["objects"][name]
        except KeyError as error:
            raise AttributeError(name) from error

    def user(self, name: str | None):
        """A user by name (``"owner"``) or role code (``"O"``); None for the anonymous visitor."""
        if name is None or name == "A":
            return None
        return self.users[USER_NAMES.get(name, name)]

    def kwargs(self, row: str):
        """The arguments of a row's URL (a dict, a list, or for a pattern without a name the
        path itself), from the world's objects."""
        fill = PATHS.get(row) or PATHS.get(base_of(row))
        return fill(self) if fill else {}

    def path(self, row: str) -> str:
        """The path of a row: ``enterprises:profile@concept`` -> ``/wijkondernemingen/...``."""
        if row not in self.paths:
            self.paths[row] = _reverse(row, self.kwargs(row))
        return self.paths[row]


def base_of(row: str) -> str:
    """The URL name of a row: ``enterprises:profile@concept`` -> ``enterprises:profile``."""
    return row.split("@", 1)[0]


def _reverse(row: str, args) -> str:
    if isinstance(args, str):
        return args  # a pattern without a name: the path itself
    try:
        if isinstance(args, (list, tuple)):
            return reverse(base_of(row), args=args)
        return reverse(base_of(row), kwargs=args)
    except NoReverseMatch as error:
        raise AssertionError(f"{row}: {missing_path(row)} ({error})") from error


def missing_path(row: str) -> str:
    return (
        f"add {base_of(row)!r}: lambda w: {{...}} to PATHS in tests/world.py (the arguments of "
        "its URL, from the objects of the world)"
    )


def rows_without_path(rows) -> list[str]:
    """The rows whose URL needs arguments that ``PATHS`` does not give, each with what to add;
    variants without an entry (a misspelt one would quietly take the usual object); rows that
    name no URL of the portal. Needs no database."""
    names = set(url_names())
    problems = []
    for row in rows:
        if row in PATHS:
            continue
        if "@" in row:
            problems.append(f"{row}: add {row!r}: lambda w: {{...}} to PATHS in tests/world.py")
            continue
        if base_of(row) in PATHS:
            continue
        if base_of(row) not in names:
            problems.append(f"{row}: no URL of the portal has this name")
            continue
        try:
            reverse(base_of(row))
        except NoReverseMatch:
            problems.append(f"{row}: its URL takes arguments: {missing_path(row)}")
    return problems


def url_names(patterns=None, namespace: str = ""):
    """Every URL name of the portal, with its namespaces (``enterprises:profile``)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}"


def _reference_data() -> None:
    """The rows the migrations load (themes, areas and elements of the mengpaneel, audiences):
    a transactional test before may have emptied the tables."""
    from enterprises.reference_data import load as load_municipalities_and_themes
    from pioneers.reference_data import load as load_areas_and_elements

    if not Theme.objects.filter(slug="energie").exists():
        load_municipalities_and_themes(Municipality, Theme)
    load_areas_and_elements(Area, Element)
    Audience.objects.get_or_create(slug="gemeente", defaults={"name": "Gemeenten"})


def _users() -> dict[str, User]:
    ensure_roles()
    superuser = UserFactory.create(email="super@example.org", is_superuser=True, is_staff=True)
    return {
        "R": UserFactory.create(email="bewoner@example.org"),
        "E": UserFactory.create(email="redacteur@example.org"),
        "O": UserFactory.create(email="eigenaar@example.org"),
        "P": UserFactory.create(email="pionier@example.org"),
        "M": MunicipalOfficerFactory.create(email="ambtenaar@example.org"),
        "S": StaffFactory.create(email="medewerker@example.org"),
        "U": superuser,
    }


def _enterprises(w: World) -> None:
    users = w.users
    town = MunicipalityFactory(
        name="Matrixstad", slug="matrixstad", cbs_code="GM9901", province=Province.OVERIJSSEL
    )
    w.objects["municipality"] = town
    energy = Theme.objects.filter(slug="energie")
    complete = {
        "municipality": town,
        "kvk_number": "12345678",
        "legal_form": "stichting",
        "themes": energy,
    }
    concept: Enterprise = EnterpriseFactory.create(
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
    # Two more published enterprises with two years of figures: with the pioneer's and the
    # published one, every group of the municipality's and the benchmark's charts has the three
    # enterprises it needs to be shown.
    for name in ("Buurtbedrijf Noord", "Buurtbedrijf Zuid"):
        neighbour = EnterpriseFactory(name=name, municipality=town)
        YearFiguresFactory(enterprise=neighbour, year=2023)
        YearFiguresFactory(enterprise=neighbour, year=2024, income_rent=35_000)
        AssetFactory(enterprise=neighbour, since_year=2019)
    w.objects["neighbour"] = neighbour
    # A preview of an import by staff: confirming it creates an enterprise staff keep.
    w.objects["import_batch"] = enterprise_services.preview_import(
        imports.read_bytes(
            b"naam;gemeente;soort;wijk;jaar;verkoop\nMatrix Import;GM9901;anders;Noord;2024;1.000\n"
        ),
        by=users["S"],
        file_name="matrix.csv",
    )
    # And one that shows every part of a preview: a new enterprise, a change, rows with errors
    # (so it cannot be confirmed).
    w.objects["import_batch_mixed"] = enterprise_services.preview_import(
        imports.read_bytes(
            "naam;gemeente;soort;wijk;jaar;verkoop;fte\n"
            "Buurtbedrijf Nieuw Licht;Matrixstad;wijkonderneming;Noord;2024;€ 12.500;2,5\n"
            "Buurtbedrijf Zuid;Matrixstad;;Zuid Oost;;;\n"
            '=HYPERLINK("x");Atlantis;anders;Noord;2024;-5;veel\n'.encode()
        ),
        by=users["S"],
        file_name="wijkondernemingen-2024.csv",
    )


def _pioneers(w: World) -> None:
    users = w.users
    cohort = CohortFactory(name="WijkBV Matrixcohort", slug="wijkbv-matrixcohort")
    # A second cohort, open for applications, to which nobody has applied yet.
    open_cohort = CohortFactory(name="WijkBV Nieuw cohort", slug="wijkbv-nieuw-cohort")
    enterprise = EnterpriseFactory(
        name="Pionier Badhuis",
        slug="pionier-badhuis",
        kind=EnterpriseKind.ENERGIECOOPERATIE,
        municipality=w.municipality,
        contact_name="Contactpersoon Badhuis",
        contact_email="contact@pionier-badhuis.example",
        municipality_may_contact=True,
    )
    MembershipFactory(enterprise=enterprise, user=users["P"], role=MembershipRole.OWNER)
    YearFiguresFactory(enterprise=enterprise, year=2023)
    YearFiguresFactory(enterprise=enterprise, year=2024, income_rent=35_000)
    AssetFactory(enterprise=enterprise, since_year=2019)
    submitted: Application = ApplicationFactory.create(
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
    # Two readings: the mengpaneel's history has something to draw.
    today = timezone.localdate()
    make_reading(pioneer, taken_on=today - timedelta(days=30), position=55, by=users["S"])
    make_reading(pioneer, taken_on=today - timedelta(days=120), position=35, by=users["S"])
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
    report_open = ReportFactory(title="Open rapport", slug="open-rapport", audiences=["gemeente"])
    report_on_request = ReportFactory(
        title="Rapport op aanvraag", slug="rapport-op-aanvraag", access="op-aanvraag"
    )
    report_draft = ReportFactory(
        title="Conceptrapport Verborgen", slug="conceptrapport", status="concept"
    )
    request: ReportRequest = ReportRequestFactory.create(
        report=report_on_request, email="aanvrager-geheim@example.org"
    )
    category = FAQCategoryFactory(name="Matrixvragen", slug="matrixvragen")
    FAQFactory(question="Openbare vraag?", slug="openbare-vraag", category=category)
    FAQFactory(question="Wat is het Right to Challenge?", slug="right-to-challenge")
    FAQFactory(
        question="Conceptvraag Verborgen?", slug="conceptvraag", category=category, status="concept"
    )
    case_public = CaseDescriptionFactory(
        title="Openbare casus", slug="openbare-casus", enterprise=w.published
    )
    case_draft = CaseDescriptionFactory(
        title="Conceptcasus Verborgen", slug="conceptcasus", status="concept"
    )
    subscriber: Subscriber = SubscriberFactory.create(
        email="lezer-geheim@example.org", confirmed_at=timezone.now()
    )
    unconfirmed: Subscriber = SubscriberFactory.create(email="nog-niet-bevestigd@example.org")
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
        confirmed_at=timezone.now(),
    )
    other_town: Municipality = MunicipalityFactory.create(
        name="Andere Stad", slug="andere-stad", cbs_code="GM9902"
    )
    EnterpriseFactory(
        name="Buurtbedrijf Elders",
        slug="buurtbedrijf-elders",
        municipality=other_town,
        contact_name="Contactpersoon Elders",
        contact_email="contact-elders@andere-stad.example",
        municipality_may_contact=True,
    )
    # A brief that could not be made (staff see such a job with its reason).
    failed_brief = BriefJob.objects.create(
        municipality=other_town,
        status=PdfJobStatus.FAILED,
        input_hash="matrix-brief-mislukt",
        error="De pdf kon niet worden gemaakt: een voorbeeld van een fout",
    )
    # A municipality with a shape (the CBS's own code; the others are fictional): its page
    # shows where it lies on a map.
    mapped_town = MunicipalityFactory(
        cbs_code="GM0344", name="Utrecht", slug="utrecht", province=Province.UTRECHT
    )
    w.objects.update(
        pending_link=pending,
        brief=brief,
        failed_brief=failed_brief,
        follower=follower,
        other_town=other_town,
        mapped_town=mapped_town,
    )
    w.tokens.update(
        follower_confirm=municipality_services.FOLLOWERS.confirm_token(follower),
        follower_unsubscribe=municipality_services.FOLLOWERS.unsubscribe_token(follower),
    )


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
    # Figures changed after the monitor was fixed: a correction waits to be published.
    changed = w.neighbour.year_figures.get(year=2023)
    changed.income_sales += 1_000
    enterprise_services.save_year_figures(changed, by=staff)
    opened = monitor_services.open_round(
        year=2024, deadline=deadline, reminder_days="14,3", by=staff
    )
    flagged = w.published.year_figures.get(year=2024)
    flagged.flags = ["no-expenses"]
    flagged.save(update_fields=["flags"])
    w.objects.update(round_open=opened, round_closed=closed, flagged_figures=flagged)


def build_world(media_root) -> World:
    """Every object of the world, created with the project's factories; files under
    ``media_root``."""
    # A transactional test before this one emptied the tables; the post_migrate that refills
    # django_content_type clears only the historical model's cache, so on PostgreSQL (whose ids
    # do not restart) ContentType.objects would still hand out ids of deleted rows.
    ContentType.objects.clear_cache()
    with override_settings(
        MEDIA_ROOT=media_root, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        _reference_data()
        w = World(users=_users(), media_root=media_root)
        _enterprises(w)
        _pioneers(w)
        _knowledge(w)
        _municipalities(w)
        _monitor(w)
        _monitor_report(w)
    return w


# --- Which object of the world fills the path of each URL -------------------------------------


def _slug(name: str):
    return lambda w: {"slug": w.objects[name].slug}


def _year(name: str):
    return lambda w: {"year": w.objects[name].year}


def _history(name: str):
    """The admin's page of an object's latest historical record."""
    return lambda w: [
        w.objects[name].pk,
        w.objects[name].history.order_by("-history_id")[0].history_id,
    ]


# Row -> the arguments of its URL: kwargs, positional args (a list) or, for a pattern without a
# name, the path itself. A row without an entry of its own takes its URL name's entry (the
# usual object); a URL without arguments needs no entry. The matrix fills the admin's model
# pages by its own rule (the first object of each kind).
PATHS = {
    "media": lambda w: {"path": "kennisbank/rapporten/bestaat-niet.pdf"},  # not a public image
    "media@public": lambda w: {"path": "enterprises/logos/bestaat-niet.png"},
    "account_confirm_email": lambda w: {"key": "geen-geldige-sleutel"},
    "account_reset_password_from_key": lambda w: {"uidb36": "2", "key": "geen-geldige-sleutel"},
    # the admin's own pages
    "admin:app_list": lambda w: {"app_label": "enterprises"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(w.concept).pk,
        "object_id": w.concept.pk,
    },
    "admin:auth_user_password_change": lambda w: {"id": w.users["R"].pk},
    "admin:enterprises_enterprise_simple_history": _history("published"),
    "admin:enterprises_yearfigures_simple_history": _history("figures"),
    "admin/(?P<url>.*)$": lambda w: "/admin/bestaat-niet/",
    # enterprises
    "enterprises:invitation": lambda w: {"token": w.tokens["invitation"]},
    "enterprises:profile": _slug("published"),
    "enterprises:profile@concept": _slug("concept"),
    "enterprises:profile@submitted": _slug("submitted"),
    "enterprises:profile@rejected": _slug("rejected"),
    "enterprises:profile@archived": _slug("archived"),
    "enterprises:profile@pioneer": lambda w: {"slug": w.pioneer.enterprise.slug},
    "enterprises:archive": _slug("published"),
    "enterprises:archive@archived": _slug("archived"),
    "enterprises:edit": _slug("published"),
    "enterprises:edit@concept": _slug("concept"),
    "enterprises:edit@archived": _slug("archived"),
    "enterprises:submit": _slug("concept"),
    "enterprises:submit@published": _slug("published"),
    "enterprises:assets": _slug("concept"),
    "enterprises:asset_add": _slug("concept"),
    "enterprises:asset_edit": lambda w: {"slug": w.concept.slug, "pk": w.asset.pk},
    "enterprises:asset_delete": lambda w: {"slug": w.concept.slug, "pk": w.asset.pk},
    "enterprises:figures": _slug("concept"),
    "enterprises:figures_add": _slug("concept"),
    "enterprises:figures_edit": lambda w: {"slug": w.concept.slug, "year": w.figures.year},
    "enterprises:members": _slug("concept"),
    "enterprises:members@archived": _slug("archived"),
    "enterprises:member_remove": lambda w: {"slug": w.concept.slug, "pk": w.co_membership.pk},
    "enterprises:member_remove@archived": lambda w: {
        "slug": w.archived.slug,
        "pk": w.archived_co_membership.pk,
    },
    "enterprises:member_role": lambda w: {"slug": w.concept.slug, "pk": w.co_membership.pk},
    "enterprises:member_role@archived": lambda w: {
        "slug": w.archived.slug,
        "pk": w.archived_co_membership.pk,
    },
    "enterprises:invitation_revoke": lambda w: {"slug": w.concept.slug, "pk": w.invitation.pk},
    "enterprises:review": _slug("submitted"),
    "enterprises:review@concept": _slug("concept"),
    "enterprises:import_preview": lambda w: {"pk": w.import_batch.pk},
    "enterprises:import_preview@mixed": lambda w: {"pk": w.import_batch_mixed.pk},
    "enterprises:import_confirm": lambda w: {"pk": w.import_batch.pk},
    "enterprises:import_discard": lambda w: {"pk": w.import_batch.pk},
    # pioneers
    "pioneers:application": lambda w: {"pk": w.application_draft.pk},
    "pioneers:application@submitted": lambda w: {"pk": w.application_submitted.pk},
    "pioneers:review": lambda w: {"pk": w.application_submitted.pk},
    "pioneers:review@draft": lambda w: {"pk": w.application_draft.pk},
    "pioneers:expert": lambda w: {"pk": w.expert.pk},
    "pioneers:compare": lambda w: {"element_slug": w.element.slug},
    "pioneers:pioneer": _slug("pioneer"),
    "pioneers:lessons": _slug("pioneer"),
    "pioneers:pioneer_edit": _slug("pioneer"),
    "pioneers:log": _slug("pioneer"),
    "pioneers:log_new": _slug("pioneer"),
    "pioneers:history": _slug("pioneer"),
    "pioneers:reading_new": _slug("pioneer"),
    "pioneers:element_new": _slug("pioneer"),
    "pioneers:milestone_new": _slug("pioneer"),
    "pioneers:milestone_edit": lambda w: {"slug": w.pioneer.slug, "pk": w.milestone.pk},
    "pioneers:support_new": _slug("pioneer"),
    "pioneers:support_edit": lambda w: {"slug": w.pioneer.slug, "pk": w.support_item.pk},
    "pioneers:lesson_new": _slug("pioneer"),
    "pioneers:lesson_publish": lambda w: {"slug": w.pioneer.slug, "pk": w.lesson_draft.pk},
    # knowledge
    # the open-data API (api/): published and public things only, whoever asks
    "api:enterprise": _slug("published"),
    "api:enterprise@concept": _slug("concept"),
    "api:enterprise@archived": _slug("archived"),
    "api:enterprise_figures": _slug("published"),
    "api:enterprise_figures@submitted": _slug("submitted"),
    "api:municipality": lambda w: {"code": w.municipality.cbs_code},
    "api:municipality@slug": lambda w: {"code": w.municipality.slug},
    "api:report": _slug("report_open"),
    "api:report@on_request": _slug("report_on_request"),
    "api:report@draft": _slug("report_draft"),
    "api:article": _slug("article_published"),
    "api:article@draft": _slug("article_draft"),
    "api:case": _slug("case_public"),
    "api:case@draft": _slug("case_draft"),
    "knowledge:report": _slug("report_open"),
    "knowledge:report@on_request": _slug("report_on_request"),
    "knowledge:report@draft": _slug("report_draft"),
    "knowledge:report_download": _slug("report_open"),
    "knowledge:report_download@on_request": _slug("report_on_request"),
    "knowledge:report_download@draft": _slug("report_draft"),
    "knowledge:report_download_signed": lambda w: {
        "slug": w.report_on_request.slug,
        "token": w.tokens["report_download"],
    },
    "knowledge:report_request": _slug("report_on_request"),
    "knowledge:report_request@open": _slug("report_open"),
    "knowledge:report_request@draft": _slug("report_draft"),
    "knowledge:report_request_sent": _slug("report_on_request"),
    "knowledge:report_request_sent@draft": _slug("report_draft"),
    "knowledge:article": _slug("article_published"),
    "knowledge:article@draft": _slug("article_draft"),
    "knowledge:case": _slug("case_public"),
    "knowledge:case@draft": _slug("case_draft"),
    "knowledge:case_pdf": _slug("case_public"),
    "knowledge:case_pdf@draft": _slug("case_draft"),
    "knowledge:case_pdf_version": lambda w: {
        "slug": w.case_public.slug,
        "pk": w.case_public_job.pk,
    },
    "knowledge:case_pdf_version@draft": lambda w: {
        "slug": w.case_draft.slug,
        "pk": w.case_draft_job.pk,
    },
    "knowledge:case_pdf_generate": _slug("case_public"),
    "knowledge:case_pdf_generate@draft": _slug("case_draft"),
    "knowledge:pdf_job_status": lambda w: {"pk": w.case_public_job.pk},
    "knowledge:pdf_job_status@draft": lambda w: {"pk": w.case_draft_job.pk},
    "knowledge:cohort_pdfs": _slug("cohort"),
    "knowledge:newsletter_confirm": lambda w: {"token": w.tokens["newsletter_confirm"]},
    "knowledge:newsletter_unsubscribe": lambda w: {"token": w.tokens["newsletter_unsubscribe"]},
    "knowledge:newsletter_unsubscribe@unknown": lambda w: {"token": "geen-geldig-teken"},
    # monitor: the open round's year is provisional, the closed round's monitor is fixed
    "monitor:year": _year("round_open"),
    "monitor:year@fixed": _year("round_closed"),
    "monitor:report": _year("round_closed"),
    "monitor:report@open": _year("round_open"),
    "monitor:report_status": lambda w: {"pk": w.report_job.pk},
    "monitor:report_download": lambda w: {"pk": w.report_job.pk},
    "monitor:round": _year("round_closed"),
    "monitor:round@open": _year("round_open"),
    "monitor:round_close": _year("round_open"),
    "monitor:round_close@closed": _year("round_closed"),
    "monitor:round_correction": _year("round_closed"),
    "monitor:round_correction@open": _year("round_open"),
    "monitor:figures_checked": lambda w: {
        "year": w.flagged_figures.year,
        "pk": w.flagged_figures.pk,
    },
    "monitor:round_non_respondents": _year("round_open"),
    # municipalities: the officer (M) is linked to the world's municipality, not to the other
    "municipalities:detail": _slug("municipality"),
    "municipalities:detail@elsewhere": _slug("other_town"),
    "municipalities:detail@map": _slug("mapped_town"),
    "municipalities:export_csv": _slug("municipality"),
    "municipalities:export_csv@elsewhere": _slug("other_town"),
    "municipalities:export_xlsx": _slug("municipality"),
    "municipalities:export_xlsx@elsewhere": _slug("other_town"),
    "municipalities:link_request": _slug("other_town"),
    "municipalities:link_decide": lambda w: {"pk": w.pending_link.pk},
    "municipalities:follow": _slug("municipality"),
    "municipalities:follow_confirm": lambda w: {"token": w.tokens["follower_confirm"]},
    "municipalities:unfollow": lambda w: {"token": w.tokens["follower_unsubscribe"]},
    "municipalities:brief": _slug("municipality"),
    "municipalities:brief_status": lambda w: {"slug": w.municipality.slug, "pk": w.brief.pk},
    "municipalities:brief_download": lambda w: {"slug": w.municipality.slug, "pk": w.brief.pk},
}
