"""The directory's search and filters (django-filter): every parameter a visitor can type."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lsa_portal.validators import YearRangeValidator

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    Enterprise,
    EnterpriseKind,
    LegalForm,
    Municipality,
    Province,
    Theme,
)
from .names import fold
from .widgets import MunicipalitySelect

# Every order ends in the primary key: names need not be unique, and a page must be the same
# page on every request (the API's next links, the directory's pages), on PostgreSQL too.
SORTS = {
    "naam": ("name", "pk"),
    "nieuw": ("-published_at", "name", "pk"),
    "opgericht": ("founded_year", "name", "pk"),
    "gemeente": ("municipality__name", "name", "pk"),
}


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or place"))
    gemeente = django_filters.ModelChoiceFilter(
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.all(),
        label=_("Municipality"),
        empty_label=_("All municipalities"),
        widget=MunicipalitySelect,
    )
    provincie = django_filters.ChoiceFilter(
        field_name="municipality__province",
        choices=Province.choices,
        label=_("Province"),
        empty_label=_("All provinces"),
    )
    soort = django_filters.ChoiceFilter(
        field_name="kind",
        choices=EnterpriseKind.choices,
        label=_("Kind"),
        empty_label=_("All kinds"),
    )
    thema = django_filters.ModelChoiceFilter(
        method="with_theme",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        label=_("Theme"),
        empty_label=_("All themes"),
    )
    rechtsvorm = django_filters.ChoiceFilter(
        field_name="legal_form",
        choices=LegalForm.choices,
        label=_("Legal form"),
        empty_label=_("All legal forms"),
    )
    opgericht_vanaf = django_filters.NumberFilter(
        field_name="founded_year",
        lookup_expr="gte",
        label=_("Founded from"),
        # Bounds on the form field too: a typed 10**30 is a message, not a database error.
        validators=[YearRangeValidator(FIRST_YEAR, LAST_YEAR)],
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"}),
    )
    opgericht_tot = django_filters.NumberFilter(
        field_name="founded_year",
        lookup_expr="lte",
        label=_("Founded up to"),
        # Bounds on the form field too: a typed 10**30 is a message, not a database error.
        validators=[YearRangeValidator(FIRST_YEAR, LAST_YEAR)],
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"}),
    )
    sorteer = django_filters.ChoiceFilter(
        method="sort",
        choices=[
            ("naam", _("Name")),
            ("nieuw", _("Newest")),
            ("opgericht", _("Year founded")),
            ("gemeente", _("Municipality")),
        ],
        label=_("Sort by"),
        empty_label=None,
    )

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        matches = Q(name__icontains=value) | Q(neighbourhood__icontains=value)
        folded = fold(value)
        if folded:  # 'Den Haag' finds the enterprises of 's-Gravenhage
            matches |= Q(municipality__search_names__contains=folded)
        return queryset.filter(matches)

    def with_theme(self, queryset, name, theme):
        # EXISTS rather than a join: no duplicate rows, so counts need no DISTINCT.
        links = Enterprise.themes.through.objects.filter(enterprise=OuterRef("pk"), theme=theme)
        return queryset.filter(Exists(links))

    def sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["naam"]))
