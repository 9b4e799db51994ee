"""Everything the municipality pages read, in a number of queries that does not grow with the
number of enterprises, pioneers or publications of the municipality."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enterprises import measures
from enterprises.measures import MIN_GROUP as MIN_GROUP  # the pages read it from here
from enterprises.models import (
    TURNOVER_FIELDS,
    Enterprise,
    EnterpriseStatus,
    Municipality,
    Theme,
)
from enterprises.names import fold
from enterprises.selectors import (
    DIRECTORY_FRAGMENTS,
    EXPORT_COLUMNS,
    export_rows,
    municipality_codes_by_province,
    published,
)
from knowledge.models import FAQ, CaseDescription, Report
from knowledge.selectors import CONTENT_FRAGMENTS, until_next_publication
from lsa_portal import fragment_cache
from lsa_portal.waiting import LINK_LIMIT, Link, Waiting
from pioneers.models import Lesson, Milestone, MilestoneStatus, Pioneer
from pioneers.selectors import FRAGMENTS as PIONEER_FRAGMENTS

from . import geo, maps
from .models import BriefJob, LinkStatus, OfficerLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import _StrOrPromise

    from accounts.models import User

SORTS = {"naam": ("name", "pk"), "aantal": ("-enterprise_count", "name", "pk")}  # pk: stable pages
MUNICIPAL_AUDIENCE = "gemeente"  # the knowledge base's audience slug for municipalities
FAQ_LIMIT = 5
INDEX_PAGE_SIZE = 50
CBS_CODE = re.compile(r"GM[0-9]{4}")


def _published_filter(prefix: str = "enterprises__") -> Q:
    return Q(**{f"{prefix}status": EnterpriseStatus.PUBLISHED})


def _published_count() -> Count:
    """The number of a municipality's published enterprises: the list's, the map's and the
    API's."""
    return Count("enterprises", filter=_published_filter(), distinct=True)


def with_counts(municipalities: QuerySet[Municipality]) -> QuerySet[Municipality]:
    """The municipalities with ``enterprise_count`` (published enterprises) and
    ``pioneer_count`` (pioneers shown on the programme page): what the list shows."""
    return municipalities.annotate(
        enterprise_count=_published_count(),
        pioneer_count=Count(
            "enterprises__pioneer_tracks",
            filter=_published_filter()
            & Q(enterprises__pioneer_tracks__show_on_programme_page=True),
            distinct=True,
        ),
    )


def municipality_with_counts(code_or_slug: str) -> Municipality:
    """One municipality by its CBS code (``GM0344``, any case) or its slug, with the counts of
    ``with_counts``, or a 404. One query."""
    if CBS_CODE.fullmatch(code_or_slug.upper()):
        lookup = Q(cbs_code=code_or_slug.upper())
    else:
        lookup = Q(slug=code_or_slug)
    return get_object_or_404(with_counts(Municipality.objects.filter(lookup)))


def municipality_index(query: str = "", sort: str = "naam") -> QuerySet[Municipality]:
    """Municipalities with at least one published enterprise, with their counts; one query."""
    query = query.strip()[:100].replace("\x00", "")
    # enterprise_count is with_counts' annotation, which the stubs' plugin cannot see.
    municipalities = with_counts(Municipality.objects.all()).filter(enterprise_count__gt=0)  # type: ignore[misc]
    if query:  # official names and the names people use ('Den Haag', 'Den Bosch')
        municipalities = municipalities.filter(search_names__contains=fold(query))
    return municipalities.order_by(*SORTS.get(sort, SORTS["naam"]))


def municipality_index_page(query: str, sort: str, page_number: int) -> Page[Municipality]:
    """One page of ``municipality_index``. The rows are read in one query and paginated in
    memory, with no count query: the country has fewer than 350 municipalities."""
    rows = list(municipality_index(query, sort))
    return Paginator(rows, INDEX_PAGE_SIZE).get_page(page_number)


# What each cached fragment of this app reads, named where it is defined: a fragment is rendered
# again as soon as the version of any namespace in its tuple changes. Each namespace is bumped by
# the named function of the app that owns the data (enterprises.caches.directory_changed,
# pioneers.caches.programme_changed, knowledge.caches.content_changed, caches.briefs_changed),
# called by that app's services and admin (see lsa_portal/fragment_cache.py). A new kind of
# data shown on a page means a new namespace in its tuple.
#
# The list: the counts of published enterprises and of pioneers per municipality.
INDEX_FRAGMENTS = (DIRECTORY_FRAGMENTS, PIONEER_FRAGMENTS)
# The country map: the numbers of published enterprises, names and slugs (a pioneer's consent
# does not show on it).
MAP_FRAGMENTS = (DIRECTORY_FRAGMENTS,)


@dataclass(frozen=True)
class PublishedCount:
    cbs_code: str
    name: str
    slug: str
    count: int


def published_counts() -> list[PublishedCount]:
    """Every municipality with a published enterprise and how many, by name: one query, the
    same count and order as the list's (``municipality_index``)."""
    rows = (
        Municipality.objects.annotate(enterprise_count=_published_count())
        .filter(enterprise_count__gt=0)
        .order_by(*SORTS["naam"])  # the list's order: the map's links come in it
        .values_list("cbs_code", "name", "slug", "enterprise_count")
    )
    return [PublishedCount(*row) for row in rows]


def country_map(*, width: int = 600, linked: bool = True) -> maps.Map:
    """The country with each municipality shaded by its number of published enterprises;
    with ``linked``, each one that has any is a link to its page. Without links the map is one
    image, and its title says in words what it shows. One query."""
    counts = published_counts()
    links = {}
    if linked:
        links = {row.cbs_code: reverse("municipalities:detail", args=[row.slug]) for row in counts}
    return maps.country_map(
        {row.cbs_code: row.count for row in counts},
        links,
        names={row.cbs_code: row.name for row in counts},
        width=width,
        title=None if linked else map_summary(counts),
    )


def map_summary(counts: list[PublishedCount]) -> str:
    """The country map in a sentence: how many municipalities have published enterprises,
    and which has the most."""
    if not counts:
        return str(_("Map of the Netherlands: no neighbourhood enterprise has been published yet."))
    most = min(counts, key=lambda row: (-row.count, fold(row.name)))  # a tie: by name
    return ngettext(
        "Map of the Netherlands, shaded by the number of published neighbourhood enterprises: "
        "%(municipalities)s municipality has them, the most %(name)s (%(count)s).",
        "Map of the Netherlands, shaded by the number of published neighbourhood enterprises: "
        "%(municipalities)s municipalities have them, the most %(name)s (%(count)s).",
        len(counts),
    ) % {"municipalities": len(counts), "name": most.name, "count": most.count}


def published_in(municipality: Municipality) -> QuerySet[Enterprise]:
    """The municipality's published enterprises."""
    return published().filter(municipality=municipality)


# --- Aggregates -------------------------------------------------------------------------------


@dataclass
class FigureRow:
    """One measure: the municipality's total and median beside the national median."""

    key: str
    label: _StrOrPromise
    total: Decimal | int
    median_here: Decimal | None
    national_median: Decimal | None
    money: bool = False


@dataclass
class MunicipalFigures:
    year: int | None
    count: int  # enterprises here that reported over ``year``
    shown: bool  # False when fewer than MIN_GROUP enterprises would make them identifiable
    rows: list[FigureRow] = field(default_factory=list)
    total_turnover: int = 0
    loans: int = 0
    stream_totals: dict[str, int] = field(default_factory=dict)
    stream_percentages: dict[str, int] = field(default_factory=dict)
    national_count: int = 0


# The rows of the table: the key, the label, whether it is money, the total from the figures
# of the enterprises together (measures.Stats) and the median per enterprise (from the Stats
# or the holdings' medians); the monitor's definitions, measures.MEASURES.
ROWS = (
    ("turnover", _("Total turnover"), True, "turnover", "median_turnover"),
    ("paid_staff_fte", _("Paid staff (FTE)"), False, "paid_staff_fte", "median_paid_staff_fte"),
    ("volunteers", _("Volunteers"), False, "volunteers", "median_volunteers"),
    (
        "people_from_benefits",
        _("People from benefits at work"),
        False,
        "people_from_benefits",
        "median_people_from_benefits",
    ),
    (
        "residents_reached",
        _("Residents reached"),
        False,
        "residents_reached",
        "median_residents_reached",
    ),
    ("buildings", _("Buildings owned, rented or run"), False, "buildings", "buildings"),
    ("land", _("Plots of land held"), False, "plots", "plots"),
)


@dataclass
class Figures:
    """The figures of a set of enterprises over a year, with the medians of their holdings."""

    stats: measures.Stats
    holdings: dict[str, Any]

    def total(self, name: str) -> Any:
        if name in ("buildings", "plots"):
            return getattr(self.stats.real_estate, name)
        return getattr(self.stats, name)

    def median(self, name: str) -> Any:
        if name in self.holdings:
            return self.holdings[name]
        return getattr(self.stats, name)


def _figures(enterprises: QuerySet[Enterprise], year: int) -> Figures:
    """Three queries: the figures, the real estate, the holdings per enterprise."""
    stats = measures.year_stats(enterprises, year)[""]
    return Figures(stats=stats, holdings=measures.holdings_medians(enterprises, year, stats.count))


def latest_complete_year(municipality: Municipality, today: date | None = None) -> int | None:
    """The most recent finished year in which at least MIN_GROUP enterprises here reported
    (``measures.latest_complete_year``). One query."""
    counts = measures.reporting_per_year(published_in(municipality))
    return measures.latest_complete_year(counts, today)


def national_figures(year: int) -> Figures:
    """The figures of every published enterprise that reported over ``year``: the same for
    every municipality page, so cached until the directory's data changes (the version that
    enterprises.caches.directory_changed bumps on any change of an enterprise, its figures or
    its assets)."""
    key = f"municipalities:national:{fragment_cache.version(DIRECTORY_FRAGMENTS)}:{year}"
    national: Figures | None = cache.get(key)
    if national is None:
        national = _figures(published(), year)
        cache.set(key, national, fragment_cache.TIMEOUT_SECONDS)
    return national


def municipal_figures(municipality: Municipality, today: date | None = None) -> MunicipalFigures:
    """Totals over the municipality's published enterprises that reported over the latest
    complete year, each with the median per enterprise here and nationally (the monitor's
    definitions). Hidden below MIN_GROUP."""
    year = latest_complete_year(municipality, today)
    if year is None:
        return MunicipalFigures(year=None, count=0, shown=False)
    here = _figures(published_in(municipality), year)
    if not here.stats.shown:
        return MunicipalFigures(year=year, count=here.stats.count, shown=False)
    national = national_figures(year)
    rows = [
        FigureRow(
            key, label, here.total(total), here.median(median), national.median(median), money
        )
        for key, label, money, total, median in ROWS
    ]
    return MunicipalFigures(
        year=year,
        count=here.stats.count,
        shown=True,
        rows=rows,
        total_turnover=here.stats.turnover,
        loans=here.stats.loans,
        stream_totals={name: here.stats.streams[name] for name in TURNOVER_FIELDS},
        stream_percentages=here.stats.stream_percentages,
        national_count=national.stats.count,
    )


# --- The page ---------------------------------------------------------------------------------


# The page of a municipality: what it shows to everyone is cached until one of these changes
# (the visitor's own parts, such as contact persons, are rendered for each request):
# - DIRECTORY_FRAGMENTS: its enterprises, their figures and assets, the national medians;
# - PIONEER_FRAGMENTS: its pioneers with their milestones and lessons;
# - CONTENT_FRAGMENTS: the reports, case descriptions and FAQs for municipalities;
# - BRIEF_FRAGMENTS: whether it has a brief at all (caches.briefs_changed, when a job is made
#   or deleted); the state of its latest brief is not cached, as a worker changes it with
#   update().
BRIEF_FRAGMENTS = "municipality-briefs"
PAGE_FRAGMENTS = (DIRECTORY_FRAGMENTS, PIONEER_FRAGMENTS, CONTENT_FRAGMENTS, BRIEF_FRAGMENTS)


@dataclass
class MunicipalityPage:
    municipality: Municipality
    enterprises: list[Enterprise]
    figures: MunicipalFigures
    pioneers: Sequence[Pioneer]
    reports: list[Report]
    cases: list[CaseDescription]
    lessons: list[Lesson]
    faqs: list[FAQ]


def municipality_by_slug(slug: str) -> Municipality:
    """The municipality, or a 404."""
    return get_object_or_404(Municipality, slug=slug)


def municipality_page(slug: str, today: date | None = None) -> MunicipalityPage:
    """Everything of one municipality that everyone may see. A constant number of queries: the
    municipality, the enterprises and their themes, the figures, pioneers with milestones, each
    publication kind."""
    municipality = municipality_by_slug(slug)
    enterprises = list(
        published_in(municipality)
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "name")))
        .order_by("name", "pk")
    )
    pioneers = list(
        Pioneer.objects.filter(
            enterprise__municipality=municipality,
            enterprise__status=EnterpriseStatus.PUBLISHED,
            show_on_programme_page=True,
        )
        .select_related("enterprise", "cohort")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(status=MilestoneStatus.ACHIEVED).order_by(
                    "achieved_on", "pk"
                ),
                to_attr="achieved",
            )
        )
        .order_by("enterprise__name", "pk")
    )
    reports = list(
        Report.objects.public()
        .filter(commissioning_municipality=municipality)
        .defer("body", "body_html")
        .order_by("-publication_date", "title")
    )
    cases = list(
        CaseDescription.objects.public()
        .filter(enterprise__municipality=municipality)
        .select_related("enterprise")
        .defer("body", "body_html")
        .order_by("-published_at", "title")
    )
    lessons = list(
        Lesson.objects.filter(published=True, pioneer__enterprise__municipality=municipality)
        .select_related("pioneer__enterprise")
        .order_by("-published_at", "-pk")
    )
    faqs = list(
        FAQ.objects.public()
        .filter(
            Q(category__slug__icontains="gemeente")
            | Q(related_reports__audiences__slug=MUNICIPAL_AUDIENCE)
        )
        .distinct()
        .order_by("category__position", "order", "question")[:FAQ_LIMIT]
    )
    return MunicipalityPage(
        municipality=municipality,
        enterprises=enterprises,
        figures=municipal_figures(municipality, today),
        pioneers=pioneers,
        reports=reports,
        cases=cases,
        lessons=lessons,
        faqs=faqs,
    )


LOCATOR_WIDTH = 320  # fits a phone's screen, and beside the intro on a wide one


def locator(municipality: Municipality) -> maps.Map | None:
    """The map of where the municipality lies in its province, as the page and the brief show
    it (None for a municipality without a shape). The province's codes: one cached query."""
    if municipality.cbs_code not in geo.codes():
        return None
    return maps.locator_map(
        municipality.cbs_code,
        municipality_codes_by_province().get(municipality.province, ()),
        names={municipality.cbs_code: municipality.name},
        width=LOCATOR_WIDTH,
        province=municipality.get_province_display(),
    )


def page_lifetime() -> float:
    """How many seconds a cached page may be kept at most: until the next scheduled
    publication of the knowledge base becomes public (no signal says when that happens)."""
    return until_next_publication()


def officer_link(user: User | AnonymousUser, municipality: Municipality) -> OfficerLink | None:
    """The user's own request to be linked to this municipality, if any (no query for
    visitors who are not logged in)."""
    if not user.is_authenticated:
        return None
    return OfficerLink.objects.filter(user=user, municipality=municipality).first()


def has_brief(municipality: Municipality) -> bool:
    """Whether a brief of the municipality was ever asked for (and not deleted)."""
    return municipality.brief_jobs.exists()


def latest_brief(municipality: Municipality) -> BriefJob | None:
    """The municipality's most recent brief job: its state is shown on the page (read on every
    request: a worker changes it)."""
    return municipality.brief_jobs.order_by("-created_at").first()


# --- Officers ---------------------------------------------------------------------------------


def pending_links() -> QuerySet[OfficerLink]:
    """Officers' requests that wait for staff, oldest first."""
    return (
        OfficerLink.objects.filter(status=LinkStatus.REQUESTED)
        .select_related("user", "municipality")
        .order_by("requested_at", "pk")
    )


def waiting_for_staff() -> list[Waiting]:
    """Officers' requests to be linked, and the municipalities whose newest brief could not be
    made (two queries)."""
    from .brief import RUNNER  # the brief reads this module

    links = OfficerLink.objects.filter(status=LinkStatus.REQUESTED).count()
    failed, jobs = RUNNER.failed(LINK_LIMIT)
    return [
        Waiting(
            "municipalities-links",
            links,
            ngettext(
                "officer's request to be linked to a municipality",
                "officers' requests to be linked to a municipality",
                links,
            ),
            reverse("municipalities:link_queue"),
        ),
        Waiting(
            "municipalities-briefs",
            failed,
            ngettext(
                "municipal brief (PDF) that could not be made",
                "municipal briefs (PDF) that could not be made",
                failed,
            ),
            links=tuple(
                Link(
                    job.municipality.name,
                    reverse("municipalities:detail", kwargs={"slug": job.municipality.slug})
                    + "#brief-title",
                    job.error,
                )
                for job in jobs
            ),
        ),
    ]


CONTACT_COLUMNS = ["contact_name", "contact_email"]
MUNICIPAL_EXPORT_COLUMNS = [*EXPORT_COLUMNS, *CONTACT_COLUMNS]


def municipal_export_rows(municipality: Municipality, base_url: str) -> Iterator[dict[str, Any]]:
    """The open-data rows of this municipality plus the contacts of enterprises that agreed."""
    contacts = {
        f"{base_url}{enterprise.get_absolute_url()}": enterprise
        for enterprise in published_in(municipality)
        .filter(municipality_may_contact=True)
        .only("slug", "contact_name", "contact_email")
    }
    params = QueryDict(mutable=True)
    params["gemeente"] = municipality.slug
    for row in export_rows(params, base_url):
        enterprise = contacts.get(row["url"])
        row["contact_name"] = enterprise.contact_name if enterprise else ""
        row["contact_email"] = enterprise.contact_email if enterprise else ""
        yield row
