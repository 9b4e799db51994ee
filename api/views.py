"""The endpoints of ``/api/v1/``: parse the parameters, call a selector, shape the answer.

What is public is decided by the apps' selectors (published enterprises, the municipality
figures' rule of three, public knowledge items); nothing here widens it. The OpenAPI document is
generated from these signatures and ``schemas``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias, TypedDict

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, QueryDict
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from enterprises import selectors as enterprise_selectors
from enterprises.filters import SORTS as DIRECTORY_SORTS
from enterprises.models import FIRST_YEAR, LAST_YEAR, TURNOVER_FIELDS
from knowledge import case_pdf
from knowledge import selectors as knowledge_selectors
from knowledge.models import FAQ, CaseDescription, Report
from municipalities import selectors as municipality_selectors

from . import schemas
from .answers import CASE_PDF_FRAGMENTS, cached_answer
from .middleware import API_VERSION
from .openapi import OpenDataNinja
from .problems import DETAILS, problem

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 100_000

DESCRIPTION = """Open data van het portaal van wijkondernemingen en bewonersbedrijven: de
gepubliceerde wijkondernemingen met hun jaarcijfers, de gemeenten met hun samengetelde cijfers
en het openbare deel van de kennisbank. Alleen lezen (GET en HEAD), zonder sleutel.

Volgt de NLGov REST API Design Rules: de hoofdversie in het pad, de volledige versie in de
header API-Version, geen slash aan het eind van een adres, fouten als application/problem+json,
pagina's met _links (self, first, prev, next, last), CORS open voor lezen, ETag met
If-None-Match. Per client geldt een limiet op het aantal verzoeken per minuut (429 met
Retry-After). Contactpersonen en andere persoonsgegevens staan nooit in de API."""

open_data = OpenDataNinja(
    title="Open data wijkondernemingen",
    version=API_VERSION,
    description=DESCRIPTION,
    docs_url=None,  # ninja's docs page loads Swagger UI from a CDN: the CSP forbids that
    urls_namespace="api",
    servers=[{"url": "/api/v1", "description": "Dit portaal"}],
    openapi_extra={
        "info": {
            "contact": {
                "name": settings.API_CONTACT_NAME,
                "url": settings.PORTAL_BASE_URL,
                "email": settings.API_CONTACT_EMAIL,
            },
            "license": {
                "name": "EUPL-1.2",
                "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            },
        },
        "tags": [
            {"name": "wijkondernemingen", "description": "Gepubliceerde wijkondernemingen."},
            {"name": "gemeenten", "description": "Gemeenten met hun samengetelde cijfers."},
            {"name": "kennisbank", "description": "Het openbare deel van de kennisbank."},
        ],
    },
)


class InvalidFilter(Exception):
    """A parameter that passed its type but not the directory's filters (an unknown slug)."""

    def __init__(self, errors: dict):
        self.errors = errors


# --- Errors -----------------------------------------------------------------------------------

PYDANTIC_REASONS = {
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "literal_error": "moet een van deze waarden zijn: {expected}",
    "string_too_long": "mag hoogstens {max_length} tekens lang zijn",
    "missing": "ontbreekt",
}


def _reason(error: dict) -> str:
    template = PYDANTIC_REASONS.get(error.get("type", ""), "is niet geldig")
    context = {
        key: str(value).replace(" or ", " of ") for key, value in error.get("ctx", {}).items()
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "is niet geldig"


@open_data.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    params = [
        {"name": str(error.get("loc", ["?"])[-1]), "reason": _reason(error)} for error in exc.errors
    ]
    return problem(400, "Een of meer parameters zijn niet geldig.", invalid_params=params)


@open_data.exception_handler(InvalidFilter)
def _invalid_filter(request, exc: InvalidFilter):
    params = [
        {"name": name, "reason": " ".join(str(message) for message in messages)}
        for name, messages in exc.errors.items()
    ]
    return problem(400, "Een of meer filters zijn niet geldig.", invalid_params=params)


@open_data.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404)


@open_data.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc) if exc.status_code not in DETAILS else None)


@open_data.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("Open-data API error", exc_info=exc)
    return problem(500)


# The errors every operation can answer, documented on each as problem+json (api/openapi.py).
ERRORS = {400: schemas.Problem, 404: schemas.Problem, 429: schemas.Problem, 500: schemas.Problem}


def _absolute(path: str, query: QueryDict | None = None) -> dict:
    query_string = query.urlencode() if query else ""
    return {"href": f"{settings.PORTAL_BASE_URL}{path}{'?' + query_string if query_string else ''}"}


def _api(name: str, query: QueryDict | None = None, **kwargs) -> dict:
    return _absolute(reverse(f"api:{name}", kwargs=kwargs or None), query)


def _query(**params) -> QueryDict:
    """A list's filters as they appear in its links and its cache key: the parameters that are
    set, in the order given (the same filters give the same query, whatever the request's
    order or its unknown parameters)."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value not in (None, ""):
            query[name] = str(value)
    return query


def _cached(request, schema, namespaces, filters: QueryDict, number, size, build, lifetime=None):
    """A list's answer from the server's cache (api/answers.py), under its filters and page."""
    query = filters.copy()
    query["pagina"] = str(number)
    query["paginaGrootte"] = str(size)
    return cached_answer(request, open_data, schema, namespaces, query, build, lifetime=lifetime)


def _listing(request, filters: QueryDict, items, key: str, shape, number: int, size: int) -> dict:
    """A list's body: page ``number`` of ``items``, each shaped by ``shape``, under
    ``_embedded[key]``, with the paging part. A page past the last is a 404 (the first page of
    nothing is an empty page)."""
    try:
        page = Paginator(items, size).page(number)
    except EmptyPage as error:
        raise Http404 from error
    return {
        **_paging(request.path, filters, page, size),
        "_embedded": {key: [shape(item) for item in page]},
    }


def _paging(path: str, filters: QueryDict, page, size: int) -> dict:
    """The paging part of a list's body: HAL-style links to this, the first, the previous, the
    next and the last page (with the list's ``filters``), and the counts."""

    def link(to: int) -> dict:
        query = filters.copy()
        query["pagina"] = str(to)
        query["paginaGrootte"] = str(size)
        return _absolute(path, query)

    return {
        "_links": {
            "self": link(page.number),
            "first": link(1),
            "prev": link(page.number - 1) if page.has_previous() else None,
            "next": link(page.number + 1) if page.has_next() else None,
            "last": link(page.paginator.num_pages),
        },
        "aantal": page.paginator.count,
        "pagina": page.number,
        "paginaGrootte": size,
        "aantalPaginas": page.paginator.num_pages,
    }


PageNumber = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description="Het paginanummer, vanaf 1 (standaard 1).")
]
PageSize = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_PAGE_SIZE,
        alias="paginaGrootte",
        description=f"Resultaten per pagina, 1 tot en met {MAX_PAGE_SIZE} "
        f"(standaard {DEFAULT_PAGE_SIZE}).",
    ),
]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- Wijkondernemingen ------------------------------------------------------------------------

enterprises = Router(tags=["wijkondernemingen"])

YEAR = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]

if TYPE_CHECKING:
    # Literals of the sort keys, built when the module loads: strings to mypy (as in schemas).
    DIRECTORY_SORT: TypeAlias = str
    MUNICIPALITY_SORT: TypeAlias = str
else:
    DIRECTORY_SORT = Literal[tuple(DIRECTORY_SORTS)]
    MUNICIPALITY_SORT = Literal[tuple(municipality_selectors.SORTS)]


UNKNOWN_MATCHES_NOTHING = (
    " Een onbekende waarde is geen fout: die filter past op niets en geeft een lege pagina."
)


class DirectoryQuery(schemas.Schema):
    """De filters van de gids op het portaal, met dezelfde namen (in camelCase)."""

    q: str | None = Field(
        None, max_length=200, description="Zoekt in naam, wijk en gemeente (ook 'Den Haag')."
    )
    gemeente: str | None = Field(
        None,
        max_length=100,
        description="De slug van een gemeente (zie /gemeenten)." + UNKNOWN_MATCHES_NOTHING,
    )
    provincie: schemas.PROVINCE | None = Field(None, description="De code van een provincie.")
    soort: schemas.KIND | None = Field(None, description="Het soort organisatie.")
    thema: str | None = Field(
        None,
        max_length=40,
        description="De code van een thema (zie themas bij een wijkonderneming)."
        + UNKNOWN_MATCHES_NOTHING,
    )
    rechtsvorm: schemas.LEGAL_FORM | None = Field(None, description="De rechtsvorm.")
    opgericht_vanaf: YEAR | None = Field(
        None, alias="opgerichtVanaf", description="Opgericht in of na dit jaar."
    )
    opgericht_tot: YEAR | None = Field(
        None, alias="opgerichtTot", description="Opgericht in of voor dit jaar."
    )
    sorteer: DIRECTORY_SORT | None = Field(
        None,
        description="naam (standaard), nieuw (laatst gepubliceerd eerst), opgericht, gemeente.",
    )


def _enterprise(row: dict, slug: str) -> dict:
    return {
        "_links": {
            "self": _api("enterprise", slug=slug),
            "profiel": {"href": row["url"]},
            "jaarcijfers": _api("enterprise_figures", slug=slug),
            "gemeente": _api("municipality", code=row["cbs_code"]),
        },
        "slug": slug,
        "naam": row["name"],
        "soort": row["kind"],
        "soortNaam": row["kind_label"],
        "rechtsvorm": row["legal_form"],
        "kvkNummer": row["kvk_number"],
        "oprichtingsjaar": row["founded_year"],
        "gemeente": row["municipality"],
        "cbsCode": row["cbs_code"],
        "provincie": row["province"],
        "wijk": row["neighbourhood"],
        "website": row["website"],
        "themas": row["themes"],
        "laatsteJaar": row["latest_year"],
        "omzet": row["total_income"],
        "leningen": row["loans"],
        "aandeelMarkt": _number(row["market_share"]),
        "aandeelOverheid": _number(row["public_share"]),
        "aandeelPrivaat": _number(row["private_share"]),
        "betaaldeFte": _number(row["paid_staff_fte"]),
        "vrijwilligers": row["volunteers"],
    }


def _enterprise_rows(found) -> list[dict]:
    return [
        _enterprise({**row, "kind_label": str(enterprise.get_kind_display())}, enterprise.slug)
        for enterprise, row in zip(found.enterprises, found.rows, strict=True)
    ]


@enterprises.get(
    "/wijkondernemingen",
    response={200: schemas.EnterpriseList, **ERRORS},
    url_name="enterprises",
    by_alias=True,
    summary="Gepubliceerde wijkondernemingen",
    description="De gepubliceerde wijkondernemingen, gefilterd en gesorteerd zoals de gids, "
    "per pagina. Een onbekende gemeente of een onbekend thema past op geen enkele "
    "wijkonderneming: een lege pagina, geen fout. Een pagina na de laatste geeft 404.",
)
def enterprise_list(
    request,
    filters: Query[DirectoryQuery],
    pagina: PageNumber = 1,
    pagina_grootte: PageSize = DEFAULT_PAGE_SIZE,
):
    query = _query(**filters.model_dump(by_alias=True))

    def build() -> dict:
        filterset = enterprise_selectors.directory_filter(_query(**filters.model_dump()))
        if not filterset.is_valid():
            if _only_unknown_choices(filterset.form):
                return _listing(
                    request, query, [], "wijkondernemingen", None, pagina, pagina_grootte
                )
            raise InvalidFilter(filterset.form.errors)
        found = enterprise_selectors.open_data_page(filterset, pagina, pagina_grootte)
        return {
            **_paging(request.path, query, found.page, pagina_grootte),
            "_embedded": {"wijkondernemingen": _enterprise_rows(found)},
        }

    return _cached(
        request,
        schemas.EnterpriseList,
        enterprise_selectors.DIRECTORY_FRAGMENTS,
        query,
        pagina,
        pagina_grootte,
        build,
    )


def _only_unknown_choices(form) -> bool:
    """Whether all that is wrong is a slug the data does not have (a municipality or a theme):
    a filter that matches nothing, as a consumer of open data expects, not a bad request."""
    return all(
        name in CHOICES_FROM_DATA and all(error.code == "invalid_choice" for error in errors)
        for name, errors in form.errors.as_data().items()
    )


CHOICES_FROM_DATA = ("gemeente", "thema")


SLUG = Annotated[str, Path(max_length=200, description="De slug van de wijkonderneming.")]


@enterprises.get(
    "/wijkondernemingen/{slug}",
    response={200: schemas.Enterprise, **ERRORS},
    url_name="enterprise",
    by_alias=True,
    summary="Eén gepubliceerde wijkonderneming",
    description="Een wijkonderneming die niet (meer) gepubliceerd is, geeft 404.",
)
def enterprise_detail(request, slug: SLUG):
    enterprise = enterprise_selectors.published_enterprise(slug)
    row = enterprise_selectors.open_data_rows([enterprise], settings.PORTAL_BASE_URL)[0]
    return _enterprise({**row, "kind_label": str(enterprise.get_kind_display())}, slug)


STREAM_NAMES = dict(
    zip(
        TURNOVER_FIELDS,
        ("verkoop", "verhuur", "bijdragen", "opdrachten", "subsidies", "fondsen", "giften"),
        strict=True,
    )
)


def _streams(percentages: dict[str, int]) -> dict[str, int]:
    return {STREAM_NAMES[stream]: percentages.get(stream, 0) for stream in TURNOVER_FIELDS}


@enterprises.get(
    "/wijkondernemingen/{slug}/jaarcijfers",
    response={200: schemas.YearFiguresList, **ERRORS},
    url_name="enterprise_figures",
    by_alias=True,
    summary="De jaarcijfers van een wijkonderneming",
    description="De cijfers die het openbare profiel toont, per jaar; niets wat het verbergt.",
)
def enterprise_figures(request, slug: SLUG):
    enterprise = enterprise_selectors.published_enterprise(slug)
    years = [
        {
            "jaar": year.figures.year,
            "omzet": year.mix.total,
            "leningen": year.mix.loans,
            "uitgaven": year.figures.expenses,
            "resultaat": year.mix.result,
            "aandeelMarkt": _number(year.mix.market_share),
            "aandeelOverheid": _number(year.mix.public_share),
            "aandeelPrivaat": _number(year.mix.private_share),
            "stromen": _streams(year.stream_percentages),
            "betaaldeFte": float(year.figures.paid_staff_fte),
            "vrijwilligers": year.figures.volunteers,
            "mensenUitUitkering": year.figures.people_from_benefits if year.latest else None,
            "bereikteBewoners": year.figures.residents_reached if year.latest else None,
        }
        for year in enterprise_selectors.public_year_figures(enterprise)
    ]
    return {
        "_links": {
            "self": _api("enterprise_figures", slug=slug),
            "wijkonderneming": _api("enterprise", slug=slug),
        },
        "jaarcijfers": years,
    }


# --- Gemeenten --------------------------------------------------------------------------------

municipalities = Router(tags=["gemeenten"])


def _municipality(municipality) -> dict:
    query = QueryDict(mutable=True)
    query["gemeente"] = municipality.slug
    return {
        "_links": {
            "self": _api("municipality", code=municipality.cbs_code),
            "pagina": _absolute(reverse("municipalities:detail", args=[municipality.slug])),
            "wijkondernemingen": _api("enterprises", query),
        },
        "cbsCode": municipality.cbs_code,
        "naam": municipality.name,
        "slug": municipality.slug,
        "provincie": municipality.province,
        "provincieNaam": municipality.get_province_display(),
        "aantalWijkondernemingen": municipality.enterprise_count,
        "aantalPioniers": municipality.pioneer_count,
    }


@municipalities.get(
    "/gemeenten",
    response={200: schemas.MunicipalityList, **ERRORS},
    url_name="municipalities",
    by_alias=True,
    summary="Gemeenten met gepubliceerde wijkondernemingen",
    description="De gemeenten met minstens één gepubliceerde wijkonderneming, zoals de lijst "
    "op het portaal, met hun aantallen.",
)
def municipality_list(
    request,
    q: Annotated[
        str | None, Query(max_length=100, description="Zoekt in de namen (ook 'Den Bosch').")
    ] = None,
    sorteer: Annotated[
        MUNICIPALITY_SORT | None,
        Query(description="naam (standaard) of aantal (meeste wijkondernemingen eerst)."),
    ] = None,
    pagina: PageNumber = 1,
    pagina_grootte: PageSize = DEFAULT_PAGE_SIZE,
):
    query = _query(q=q, sorteer=sorteer)

    def build() -> dict:
        rows = municipality_selectors.municipality_index(q or "", sorteer or "naam")
        return _listing(request, query, rows, "gemeenten", _municipality, pagina, pagina_grootte)

    return _cached(
        request,
        schemas.MunicipalityList,
        municipality_selectors.INDEX_FRAGMENTS,
        query,
        pagina,
        pagina_grootte,
        build,
    )


@municipalities.get(
    "/gemeenten/{code}",
    response={200: schemas.MunicipalityDetail, **ERRORS},
    url_name="municipality",
    by_alias=True,
    summary="Eén gemeente met haar cijfers",
    description="Een gemeente, ook zonder wijkondernemingen, met de samengetelde cijfers van "
    "haar gepubliceerde wijkondernemingen zoals haar pagina ze toont: onder de drie "
    "rapporterende wijkondernemingen niet.",
)
def municipality_detail(
    request,
    code: Annotated[
        str, Path(max_length=100, description="De CBS-code (GM0344) of de slug (utrecht).")
    ],
):
    municipality = municipality_selectors.municipality_with_counts(code)
    found = municipality_selectors.municipal_figures(municipality)
    figures: dict[str, object] = {
        "jaar": found.year,
        "getoond": found.shown,
        "omzet": None,
        "leningen": None,
        "stromen": None,
        "maten": None,
        "aantalRapporterend": None,
    }
    if found.shown:
        figures.update(
            omzet=found.total_turnover,
            leningen=found.loans,
            stromen=_streams(found.stream_percentages),
            aantalRapporterend=found.count,
            maten=[
                {
                    "sleutel": row.key,
                    "naam": str(row.label),
                    "totaal": float(row.total),
                    "mediaan": _number(row.median_here),
                    "landelijkeMediaan": _number(row.national_median),
                    "geld": row.money,
                }
                for row in found.rows
            ],
        )
    return {**_municipality(municipality), "cijfers": figures}


# --- Kennisbank -------------------------------------------------------------------------------

knowledge = Router(tags=["kennisbank"])


# What a list of the knowledge base shows: its items, and the themes and enterprises they name.
KNOWLEDGE_FRAGMENTS = (
    knowledge_selectors.CONTENT_FRAGMENTS,
    enterprise_selectors.DIRECTORY_FRAGMENTS,
)


def _knowledge_list(
    path: str, name: str, schema, key: str, items, shape, *more_namespaces, **documentation
) -> None:
    """Register the list ``path`` of the knowledge base: ``items()`` a page at a time, each
    shaped by ``shape``, under ``_embedded[key]``; its answers come from the server's cache
    until its data changes or the next scheduled publication becomes public (no signal says
    when that happens)."""

    @knowledge.get(
        path,
        response={200: schema, **ERRORS},
        url_name=name,
        operation_id=f"api_views_{name.removesuffix('s')}_list",
        by_alias=True,
        **documentation,
    )
    def knowledge_list(
        request,
        pagina: PageNumber = 1,
        pagina_grootte: PageSize = DEFAULT_PAGE_SIZE,
    ):
        def build() -> dict:
            return _listing(request, _query(), items(), key, shape, pagina, pagina_grootte)

        return _cached(
            request,
            schema,
            (*KNOWLEDGE_FRAGMENTS, *more_namespaces),
            _query(),
            pagina,
            pagina_grootte,
            build,
            lifetime=knowledge_selectors.until_next_publication,
        )


def _slugs(items) -> list[str]:
    return [item.slug for item in items.all()]


def _report(report: Report) -> dict:
    open_pdf = not report.is_on_request and bool(report.pdf)
    return {
        "_links": {
            "self": _api("report", slug=report.slug),
            "pagina": _absolute(report.get_absolute_url()),
            "pdf": _absolute(reverse("knowledge:report_download", args=[report.slug]))
            if open_pdf
            else None,
            "aanvragen": _absolute(reverse("knowledge:report_request", args=[report.slug]))
            if report.is_on_request
            else None,
        },
        "slug": report.slug,
        "titel": report.title,
        "ondertitel": report.subtitle,
        "samenvatting": report.summary,
        "opdrachtgever": report.commissioned_by,
        "publicatiedatum": report.publication_date,
        "toegang": report.access,
        "themas": _slugs(report.themes),
        "doelgroepen": _slugs(report.audiences),
    }


_knowledge_list(
    "/kennisbank/rapporten",
    "reports",
    schemas.ReportList,
    "rapporten",
    lambda: knowledge_selectors.report_list().prefetch_related("audiences"),
    _report,
    summary="Gepubliceerde rapporten",
    description="Nieuwste eerst. De PDF-link staat er alleen bij een open rapport.",
)


ITEM_SLUG = Annotated[str, Path(max_length=200, description="De slug van het item.")]


@knowledge.get(
    "/kennisbank/rapporten/{slug}",
    response={200: schemas.ReportDetail, **ERRORS},
    url_name="report",
    by_alias=True,
    summary="Eén rapport",
    description="Een gepubliceerd rapport met zijn lessen en tekst. Een rapport dat niet (meer) "
    "gepubliceerd is, geeft 404.",
)
def report_detail(request, slug: ITEM_SLUG):
    report = knowledge_selectors.report_page(slug)
    return {**_report(report), "lessen": report.lessons, "inhoudHtml": report.body_html}


def _faq(faq: FAQ) -> dict:
    return {
        "_links": {"self": None, "pagina": _absolute(faq.get_absolute_url()), "pdf": None},
        "slug": faq.slug,
        "vraag": faq.question,
        "antwoordHtml": faq.answer_html,
        "categorie": {"slug": faq.category.slug, "naam": faq.category.name},
        "themas": _slugs(faq.themes),
    }


_knowledge_list(
    "/kennisbank/veelgestelde-vragen",
    "faqs",
    schemas.FaqList,
    "veelgesteldeVragen",
    lambda: knowledge_selectors.faq_questions().prefetch_related("themes"),
    _faq,
    summary="Veelgestelde vragen",
    description="In de volgorde van de pagina. Een vraag heeft geen eigen pagina, maar een "
    "anker op de pagina met alle vragen.",
)


def _article(article) -> dict:
    return {
        "_links": {
            "self": _api("article", slug=article.slug),
            "pagina": _absolute(article.get_absolute_url()),
            "pdf": None,
        },
        "slug": article.slug,
        "titel": article.title,
        "soort": article.kind,
        "intro": article.lead,
        "datum": article.date,
        "themas": _slugs(article.themes),
    }


_knowledge_list(
    "/kennisbank/artikelen",
    "articles",
    schemas.ArticleList,
    "artikelen",
    knowledge_selectors.article_list,
    _article,
    summary="Gepubliceerde artikelen",
    description="Tips, interviews en nieuws, nieuwste eerst.",
)


@knowledge.get(
    "/kennisbank/artikelen/{slug}",
    response={200: schemas.ArticleDetail, **ERRORS},
    url_name="article",
    by_alias=True,
    summary="Eén artikel",
    description="Een gepubliceerd artikel met zijn tekst. Een artikel dat niet (meer) "
    "gepubliceerd is, geeft 404.",
)
def article_detail(request, slug: ITEM_SLUG):
    article = knowledge_selectors.article_page(slug)
    return {**_article(article), "inhoudHtml": article.body_html}


class _PublicPdf(TypedDict):
    public_pdf: str | None


def _case(case: CaseDescription, public_pdf: str | None) -> dict:
    """A case as the API shows it; ``public_pdf`` the file of its current PDF ("" or None when
    there is none)."""
    enterprise = case.enterprise
    return {
        "_links": {
            "self": _api("case", slug=case.slug),
            "pagina": _absolute(case.get_absolute_url()),
            "pdf": _absolute(reverse("knowledge:case_pdf", args=[case.slug]))
            if public_pdf
            else None,
            "wijkonderneming": _api("enterprise", slug=enterprise.slug)
            if enterprise is not None and enterprise.is_published
            else None,
        },
        "slug": case.slug,
        "titel": case.title,
        "samenvatting": case.summary,
        "onderwerp": case.subject,
        "datum": case.date,
        "themas": _slugs(case.themes),
    }


def _listed_case(case: WithAnnotations[CaseDescription, _PublicPdf]) -> dict:
    """A case of the list, which ``case_pdf.with_public_pdf`` annotated."""
    return _case(case, case.public_pdf)


_knowledge_list(
    "/kennisbank/casusbeschrijvingen",
    "cases",
    schemas.CaseList,
    "casusbeschrijvingen",
    lambda: case_pdf.with_public_pdf(knowledge_selectors.case_list()),
    _listed_case,
    CASE_PDF_FRAGMENTS,
    summary="Gepubliceerde casusbeschrijvingen",
    description="Nieuwste eerst, met de link naar de openbare PDF als die gemaakt is.",
)


@knowledge.get(
    "/kennisbank/casusbeschrijvingen/{slug}",
    response={200: schemas.CaseDetail, **ERRORS},
    url_name="case",
    by_alias=True,
    summary="Eén casusbeschrijving",
    description="Een gepubliceerde casusbeschrijving met haar tekst en de link naar de openbare "
    "PDF als die gemaakt is. Een casusbeschrijving die niet (meer) gepubliceerd is, geeft 404.",
)
def case_detail(request, slug: ITEM_SLUG):
    case = knowledge_selectors.case_page(slug)
    job = case_pdf.latest_done(case)
    return {**_case(case, job.file.name if job else ""), "inhoudHtml": case.body_html}


open_data.add_router("", enterprises)
open_data.add_router("", municipalities)
open_data.add_router("", knowledge)
