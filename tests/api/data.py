"""A small data set for the API's property-based tests: what each resource can show, and what
it must not (a concept enterprise, a concept report, a municipality under the fewer-than-three
rule). Its identifiers are fixed, so that generated requests can name existing objects."""

from __future__ import annotations

from enterprises.models import EnterpriseStatus, Municipality
from tests.factories import (
    ArticleFactory,
    AssetFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    FAQFactory,
    ReportFactory,
    YearFiguresFactory,
)

# Municipalities of the data migration's list (CBS code, slug): three published enterprises
# (figures shown), a single one (hidden by the fewer-than-three rule), only a concept.
BUSY, LONELY, EMPTY = ("GM0344", "utrecht"), ("GM0363", "amsterdam"), ("GM0014", "groningen")
ENTERPRISES = ["api-proef-een", "api-proef-twee", "api-proef-drie", "api-proef-alleen"]
CONCEPT = "api-proef-concept"
YEARS = [2023, 2024]
ITEMS = {
    ReportFactory: "api-rapport",
    FAQFactory: "api-vraag",
    ArticleFactory: "api-artikel",
    CaseDescriptionFactory: "api-casus",
}
HIDDEN_REPORT = "api-rapport-concept"

# Existing identifiers by operation path and path parameter, so that a detail operation gets
# its own kind of object (and its 200 answer is checked against its schema), plus the ones it
# must not show (a concept: a 404 as documented).
IDENTIFIERS: dict[str, dict[str, list]] = {
    "/wijkondernemingen/{slug}": {"slug": [*ENTERPRISES, CONCEPT]},
    "/wijkondernemingen/{slug}/jaarcijfers": {"slug": [*ENTERPRISES, CONCEPT]},
    "/gemeenten/{code}": {"code": [*BUSY, *LONELY, *EMPTY]},
    "/kennisbank/rapporten/{slug}": {"slug": [ITEMS[ReportFactory], HIDDEN_REPORT]},
    "/kennisbank/artikelen/{slug}": {"slug": [ITEMS[ArticleFactory]]},
    "/kennisbank/casusbeschrijvingen/{slug}": {"slug": [ITEMS[CaseDescriptionFactory]]},
}


def build_open_data() -> None:
    """The enterprises with two years of figures each and an asset, one knowledge item of
    each kind and a concept report."""
    municipalities = {
        (m.cbs_code, m.slug): m
        for m in Municipality.objects.filter(cbs_code__in=[BUSY[0], LONELY[0], EMPTY[0]])
    }
    homes = [BUSY, BUSY, BUSY, LONELY]
    enterprises = [
        EnterpriseFactory(slug=slug, municipality=municipalities[home])
        for slug, home in zip(ENTERPRISES, homes, strict=True)
    ]
    EnterpriseFactory(
        slug=CONCEPT, municipality=municipalities[EMPTY], status=EnterpriseStatus.CONCEPT
    )
    for enterprise in enterprises:
        for year in YEARS:
            YearFiguresFactory(enterprise=enterprise, year=year)
    AssetFactory(enterprise=enterprises[0])
    for factory, slug in ITEMS.items():
        factory(slug=slug)
    ReportFactory(slug=HIDDEN_REPORT, status="concept")
