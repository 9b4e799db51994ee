"""What the knowledge base's pages read, apart from the search (``search.py``): the items'
pages and lists, the FAQ, the entry page, the feed and what waits for staff. Each page's query
count is constant: lists use ``select_related``/``prefetch_related``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import TypeVar
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import Theme
from lsa_portal import fragment_cache
from lsa_portal.waiting import LINK_LIMIT, Link, Waiting

from . import case_pdf
from .models import (
    FAQ,
    AdviceRequest,
    Article,
    CaseDescription,
    FAQCategory,
    Publishable,
    PublishableQuerySet,
    Report,
    ReportRequest,
    SearchDocument,
    Status,
)
from .search import public_documents, theme_counts

# The fragment-cache namespace of pages built on the knowledge base's items (e.g. a
# municipality's page): bumped whenever an item, its category or its audiences change.
CONTENT_FRAGMENTS = "knowledge-content"
PUBLISHED_MODELS = (Report, FAQ, Article, CaseDescription)

LIST_PAGE_SIZE = 12

_Item = TypeVar("_Item", bound=Publishable)
_Listed = TypeVar("_Listed", bound=Model)


# --- Pages --------------------------------------------------------------------------------------


def _visible(items: PublishableQuerySet[_Item], staff: bool) -> PublishableQuerySet[_Item]:
    """Staff preview drafts; everyone else sees what is public."""
    return items if staff else items.public()


def report_page(slug: str, *, staff: bool = False) -> Report:
    """A report with its municipality, themes, audiences and the public FAQs that cite it."""
    return get_object_or_404(
        _visible(Report.objects.all(), staff)
        .select_related("commissioning_municipality")
        .prefetch_related(
            "themes",
            "audiences",
            Prefetch("faqs", queryset=FAQ.objects.public().order_by("order", "question")),
        ),
        slug=slug,
    )


def report_for_download(slug: str) -> Report:
    """A public report (downloads never serve drafts)."""
    return get_object_or_404(Report.objects.public(), slug=slug)


def article_page(slug: str, *, staff: bool = False) -> Article:
    """An article with its themes."""
    return get_object_or_404(
        _visible(Article.objects.all(), staff).prefetch_related("themes"), slug=slug
    )


def case_page(slug: str, *, staff: bool = False) -> CaseDescription:
    """A case description with its enterprise and themes."""
    return get_object_or_404(
        _visible(CaseDescription.objects.all(), staff)
        .select_related("enterprise", "enterprise__municipality")
        .prefetch_related("themes"),
        slug=slug,
    )


@dataclass(frozen=True)
class FAQGroup:
    category: FAQCategory
    questions: list[FAQ]


def faq_page(*, staff: bool = False) -> list[FAQGroup]:
    """Every visible question grouped by category in the categories' order (two queries)."""
    questions = faq_questions(staff=staff).prefetch_related(
        Prefetch(
            "related_reports",
            queryset=Report.objects.public().only("slug", "title").order_by("title"),
        )
    )
    return [
        FAQGroup(category, list(items))
        for category, items in groupby(questions, key=lambda faq: faq.category)
    ]


def faq_questions(*, staff: bool = False) -> QuerySet[FAQ]:
    """The visible questions with their category, in the order of the FAQ page."""
    return (
        _visible(FAQ.objects.all(), staff)
        .select_related("category")
        .order_by("category__position", "category__name", "category_id", "order", "question", "pk")
    )


def report_list(*, staff: bool = False) -> QuerySet[Report]:
    """Reports for the list page, newest first, with their themes."""
    return (
        _visible(Report.objects.all(), staff)
        .defer("body", "body_html", "key_lessons")
        .prefetch_related("themes")
        .order_by("-publication_date", "title", "pk")
    )


def article_list(*, staff: bool = False) -> QuerySet[Article]:
    """Articles for the list page, newest first, with their themes."""
    return (
        _visible(Article.objects.all(), staff)
        .defer("body", "body_html")
        .prefetch_related("themes")
        .order_by("-date", "title", "pk")
    )


def case_list(*, staff: bool = False) -> QuerySet[CaseDescription]:
    """Case descriptions for the list page, newest first, with enterprise and themes."""
    return (
        _visible(CaseDescription.objects.all(), staff)
        .defer("body", "body_html")
        .select_related("enterprise")
        .prefetch_related("themes")
        .order_by("-published_at", "title", "pk")
    )


def paginate(
    queryset: QuerySet[_Listed], page: str | None, size: int = LIST_PAGE_SIZE
) -> Page[_Listed]:
    """A page of a list; a wrong page number gives the nearest page, never an error."""
    return Paginator(queryset, size).get_page(page)


@dataclass(frozen=True)
class ThemeInUse:
    """A theme on the entry page, with how many public items have it."""

    theme: Theme
    n: int

    @property
    def slug(self) -> str:
        return self.theme.slug

    @property
    def label(self) -> str:
        return self.theme.label


@dataclass
class IndexPage:
    newest: list[SearchDocument]
    popular: list[Report]
    themes: list[ThemeInUse]


def index_page() -> IndexPage:
    """The entry page: the newest items, the most viewed reports and the themes in use."""
    newest = list(
        public_documents()
        .only("kind", "url", "title", "summary", "date")
        .order_by("-date", "-published_at")[:6]
    )
    popular = list(
        Report.objects.public()
        .only("slug", "title", "subtitle", "publication_date", "view_count", "download_count")
        .order_by("-view_count", "-download_count", "-publication_date")[:3]
    )
    themes = list(Theme.objects.all())
    counts = theme_counts(themes)
    in_use = [ThemeInUse(theme, counts[theme.pk]) for theme in themes if counts[theme.pk]]
    return IndexPage(newest=newest, popular=popular, themes=in_use)


def feed_items(limit: int = 30) -> list[SearchDocument]:
    """The newest public items for the RSS/Atom feed."""
    return list(
        public_documents().defer("search_vector", "head_vector").order_by("-published_at")[:limit]
    )


def next_publication(now: datetime | None = None) -> datetime | None:
    """The next moment a published item with a publication moment still to come becomes
    public (None if there is none): a page cached before then must be made anew at it. One
    query."""
    now = now or timezone.now()
    upcoming = [
        model.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by()
        .values_list("published_at", flat=True)
        for model in PUBLISHED_MODELS
    ]
    return upcoming[0].union(*upcoming[1:]).order_by("published_at").first()


def until_next_publication() -> float:
    """How many seconds a cached page that shows published items may be kept at most: until
    the next scheduled publication becomes public (no signal says when that happens)."""
    moment = next_publication()
    if moment is None:
        return fragment_cache.TIMEOUT_SECONDS
    return (moment - timezone.now()).total_seconds()


# --- For staff ----------------------------------------------------------------------------------


def waiting_for_staff(now: datetime | None = None) -> list[Waiting]:
    """Advice requests not yet handled, the case descriptions whose newest PDF could not be
    made, and, worth knowing but asking nothing (their links were mailed at once), the report
    requests of the past 7 days. Three queries."""
    advice = AdviceRequest.objects.filter(handled=False).count()
    # The admin's own "past 7 days" (its date filter's bounds), so its list shows these.
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since, until = today - timedelta(days=7), today + timedelta(days=1)
    requests = ReportRequest.objects.filter(created_at__gte=since, created_at__lt=until).count()
    failed, jobs = case_pdf.RUNNER.failed(LINK_LIMIT)
    return [
        Waiting(
            "knowledge-advice",
            advice,
            ngettext("advice request not yet handled", "advice requests not yet handled", advice),
            reverse("admin:knowledge_advicerequest_changelist") + "?handled__exact=0",
        ),
        Waiting(
            "knowledge-case-pdfs",
            failed,
            ngettext(
                "case description PDF that could not be made",
                "case description PDFs that could not be made",
                failed,
            ),
            links=tuple(
                Link(job.case.title, job.case.get_absolute_url() + "#pdf-title", job.error)
                for job in jobs
            ),
        ),
        Waiting(
            "knowledge-report-requests",
            requests,
            ngettext(
                "report request in the past 7 days", "report requests in the past 7 days", requests
            ),
            reverse("admin:knowledge_reportrequest_changelist")
            + "?"
            + urlencode({"created_at__gte": str(since), "created_at__lt": str(until)}),
            task=False,
            note=_("For information: whoever asks for a report gets its link by mail at once."),
        ),
    ]
