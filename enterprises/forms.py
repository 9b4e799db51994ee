"""Forms of the enterprise journeys. Messages are Dutch through gettext; nothing typed is lost."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lsa_portal.forms import ModelMultipleChoiceField
from lsa_portal.validators import YearRangeValidator

from . import imports
from .models import (
    FINANCING_FIELDS,
    FIRST_YEAR,
    MAX_EUROS,
    TURNOVER_FIELDS,
    Asset,
    AssetKind,
    Enterprise,
    GroundTenure,
    MembershipRole,
    Tenure,
    YearFigures,
)
from .validators import normalize_postcode
from .widgets import MunicipalitySelect


class EuroField(forms.IntegerField):
    """Whole euros as people type them: '12500', '12.500', '€ 12 500' are all 12500."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in whole euros, for example 12500 or 12.500."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_EUROS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            cleaned = value.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
                cleaned = cleaned.replace(".", "")  # Dutch thousands separator
            value = cleaned
        return super().to_python(value)


class YearField(forms.IntegerField):
    """A calendar year from 1900 up to this year (nothing is founded, owned or reported in the
    future), with one message for every year out of range."""

    widget = forms.NumberInput(attrs={"inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [YearRangeValidator(FIRST_YEAR)])  # up to this year
        super().__init__(**kwargs)


class RegisterForm(forms.ModelForm):
    """The short first step: enough to keep the initiative as a concept."""

    class Meta:
        model = Enterprise
        fields = ["name", "kind", "municipality", "neighbourhood"]
        labels = {"name": _("Name of the initiative")}
        widgets = {"municipality": MunicipalitySelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.empty_label = _("Choose a municipality")


class ThemesField(ModelMultipleChoiceField):
    """Themes by their label in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class ProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    founded_year = YearField(label=_("Founded in"))

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "kind",
            "legal_form",
            "kvk_number",
            "founded_year",
            "municipality",
            "neighbourhood",
            "postcode",
            "address",
            "website",
            "pitch",
            "mission",
            "themes",
            "logo",
            "contact_name",
            "contact_email",
            "municipality_may_contact",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "municipality": MunicipalitySelect,
            "pitch": forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
            "mission": forms.Textarea(attrs={"rows": 6}),
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        field_classes = {"themes": ThemesField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].help_text = _("Choose one or more.")

    def clean_postcode(self):
        return normalize_postcode(self.cleaned_data["postcode"])

    def clean_kvk_number(self):
        return self.cleaned_data["kvk_number"].replace(" ", "")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("municipality_may_contact"):
            for name in ("contact_name", "contact_email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Fill this in when the municipality may contact you."))
        return cleaned


class AssetForm(forms.ModelForm):
    """A building, plot of land or other property, with the tenure of the building (or
    property) and of the ground apart: a building can be owned on leasehold ground."""

    since_year = YearField(label=_("Since"))

    class Meta:
        model = Asset
        fields = ["kind", "name", "tenure", "ground_tenure", "size_m2", "since_year", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "size_m2": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tenure, ground_tenure = self.fields["tenure"], self.fields["ground_tenure"]
        assert isinstance(tenure, forms.ChoiceField)
        assert isinstance(ground_tenure, forms.ChoiceField)
        tenure.choices = [("", _("Not for a plot of land")), *Tenure.choices]
        ground_tenure.choices = [
            ("", _("Not applicable (rented or managed building)")),
            *GroundTenure.choices,
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        kind, tenure, ground = (cleaned.get(name) for name in ("kind", "tenure", "ground_tenure"))
        if kind == AssetKind.LAND:
            if tenure and "tenure" not in self.errors:
                self.add_error(
                    "tenure",
                    _("A plot of land is ground: choose its tenure under 'the ground' only."),
                )
            if not ground and "ground_tenure" not in self.errors:
                self.add_error("ground_tenure", _("Choose how you hold this plot of land."))
        elif kind:
            if not tenure and "tenure" not in self.errors:
                self.add_error("tenure", _("Choose whether you own, rent or manage it."))
            elif tenure != Tenure.OWNERSHIP and ground:
                self.add_error(
                    "ground_tenure",
                    _(
                        "Only the ground under what you own is yours to hold: leave this empty "
                        "for a rented or managed building."
                    ),
                )
            elif kind == AssetKind.BUILDING and tenure == Tenure.OWNERSHIP and not ground:
                self.add_error(
                    "ground_tenure",
                    _(
                        "Choose how you hold the ground under the building: owned, leasehold "
                        "(erfpacht), rented or managed."
                    ),
                )
        return cleaned


def _euros_text(amount: int) -> str:
    return f"€ {number_format(amount, force_grouping=True)}"


class YearFiguresForm(forms.ModelForm):
    """One year of figures as a table: the turnover by stream, financing (loans) apart,
    expenses and people; beside each field what was reported the year before."""

    OTHER_FIELDS: tuple[str, ...] = (
        "expenses",
        "paid_staff_fte",
        "volunteers",
        "people_from_benefits",
        "residents_reached",
    )

    year = YearField(label=_("Year"), required=True)

    class Meta:
        model = YearFigures
        fields = [
            "year",
            *TURNOVER_FIELDS,
            *FINANCING_FIELDS,
            "expenses",
            "paid_staff_fte",
            "volunteers",
            "people_from_benefits",
            "residents_reached",
        ]
        widgets = {
            "paid_staff_fte": forms.TextInput(attrs={"inputmode": "decimal"}),
            "volunteers": forms.NumberInput(attrs={"min": 0}),
            "people_from_benefits": forms.NumberInput(attrs={"min": 0}),
            "residents_reached": forms.NumberInput(attrs={"min": 0}),
        }
        field_classes = dict.fromkeys([*TURNOVER_FIELDS, *FINANCING_FIELDS, "expenses"], EuroField)

    def __init__(
        self,
        *args,
        enterprise: Enterprise,
        previous: YearFigures | None = None,
        year: int | None = None,
        **kwargs,
    ):
        self.enterprise = enterprise
        self.previous = previous
        super().__init__(*args, **kwargs)
        for name in (*TURNOVER_FIELDS, "expenses"):
            self.fields[name].help_text = ""
        self.fields["paid_staff_fte"].localize = True
        self.fields["paid_staff_fte"].help_text = _("For example 2,5 for two and a half jobs.")
        if self.instance.pk or year is not None:
            # The year is in the address (the link in a round's mail): not to be changed here.
            self.fields["year"].disabled = True
            self.initial["year"] = self.instance.year if self.instance.pk else year
        if previous is not None:
            self._show_previous(previous)

    def _show_previous(self, previous: YearFigures) -> None:
        """'2024: € 12.500' beside each field (as its description, so screen readers say it)."""
        money = {*TURNOVER_FIELDS, *FINANCING_FIELDS, "expenses"}
        for name in (*TURNOVER_FIELDS, *FINANCING_FIELDS, *self.OTHER_FIELDS):
            value = getattr(previous, name)
            if name in money:
                shown = _euros_text(value)
            else:
                shown = number_format(value, decimal_pos=1 if name == "paid_staff_fte" else 0)
            before = _("In %(year)s: %(value)s.") % {"year": previous.year, "value": shown}
            field = self.fields[name]
            field.help_text = f"{before} {field.help_text}".strip()

    @property
    def income_fields(self):
        return [self[name] for name in TURNOVER_FIELDS]

    @property
    def financing_fields(self):
        return [self[name] for name in FINANCING_FIELDS]

    @property
    def other_fields(self):
        return [self[name] for name in self.OTHER_FIELDS]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None:
            raise ValidationError(_("Enter the year these figures are about."), code="required")
        duplicate = YearFigures.objects.filter(enterprise=self.enterprise, year=year)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(
                _("There are already figures for %(year)s: edit that year instead."),
                params={"year": year},
            )
        return year

    def save(self, commit=True):
        self.instance.enterprise = self.enterprise
        return super().save(commit=commit)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the new member"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.EDITOR
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ReviewForm(forms.Form):
    PUBLISH, REJECT = "publish", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PUBLISH, _("Publish")), (REJECT, _("Reject with a reason"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The members receive this by e-mail: say what to change."),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for rejection: the members read it."))
        return cleaned


class ImportForm(forms.Form):
    """The association's spreadsheet of enterprises (and yearly figures). The file is read here:
    what cannot be imported at all is refused with one message on the field."""

    bestand = forms.FileField(
        label=_("Spreadsheet of enterprises"),
        widget=forms.ClearableFileInput(attrs={"accept": imports.ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bestand"].help_text = _(
            "CSV or Excel workbook (.xlsx), at most %(size)s MB and %(rows)s rows."
        ) % {
            "size": imports.MAX_FILE_BYTES // imports.MB,
            "rows": f"{imports.MAX_DATA_ROWS:,}".replace(",", "."),
        }

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        self.cleaned_data["sheet"] = imports.read_upload(upload)
        return upload
