"""A small data set for the API's property-based tests: what each resource can show, and what
it must not (a concept enterprise, an unpublished report, a municipality under the
fewer-than-three rule)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class OpenData:
    strings: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def identifiers(self, kind: type) -> list:
        """Existing identifiers of a path parameter's type: slugs and codes, or numbers."""
        if kind is int:
            return self.numbers
        return self.strings if kind is str else []


def build_open_data() -> OpenData:
    """Three municipalities of the data migration's list: one with three published enterprises
    (its figures shown), one with a single one (hidden by the fewer-than-three rule) and one
    with only a concept; year figures, an asset, and one knowledge item of each kind plus a
    concept report."""
    busy, lonely, empty = Municipality.objects.order_by("cbs_code")[:3]
    enterprises = [EnterpriseFactory(municipality=busy) for _ in range(3)]
    enterprises.append(EnterpriseFactory(municipality=lonely))
    concept = EnterpriseFactory(municipality=empty, status=EnterpriseStatus.CONCEPT)
    for enterprise in enterprises:
        for year in (2023, 2024):
            YearFiguresFactory(enterprise=enterprise, year=year)
    AssetFactory(enterprise=enterprises[0])
    items = [ReportFactory(), FAQFactory(), ArticleFactory(), CaseDescriptionFactory()]
    hidden = ReportFactory(status="concept")
    strings = [e.slug for e in [*enterprises, concept]]
    strings += [m.slug for m in (busy, lonely, empty)] + [m.cbs_code for m in (busy, lonely, empty)]
    strings += [item.slug for item in [*items, hidden]]
    numbers = [2023, 2024] + [e.pk for e in enterprises] + [item.pk for item in items]
    return OpenData(strings=strings, numbers=numbers)
