"""Forms of the enterprise journeys. Messages are Dutch through gettext; nothing typed is lost."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lsa_portal.forms import ModelMultipleChoiceField
from lsa_portal.widgets import LongSelect

from .models import (
    FIRST_YEAR,
    INCOME_FIELDS,
    LAST_YEAR,
    Asset,
    Enterprise,
    MembershipRole,
    YearFigures,
)
from .validators import normalize_postcode

MAX_EUROS = 2_000_000_000  # fits the column; no neighbourhood enterprise comes near


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


class RegisterForm(forms.ModelForm):
    """The short first step: enough to keep the initiative as a concept."""

    class Meta:
        model = Enterprise
        fields = ["name", "kind", "municipality", "neighbourhood"]
        labels = {"name": _("Name of the initiative")}
        widgets = {"municipality": LongSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].empty_label = _("Choose a municipality")


class ProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

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
            "municipality": LongSelect,
            "pitch": forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
            "mission": forms.Textarea(attrs={"rows": 6}),
            "founded_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        field_classes = {"themes": ModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].help_text = _("Choose one or more.")
        self.fields["themes"].label_from_instance = lambda theme: theme.label

    def clean_postcode(self):
        return normalize_postcode(self.cleaned_data["postcode"])

    def clean_kvk_number(self):
        return self.cleaned_data["kvk_number"].replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("municipality_may_contact"):
            for name in ("contact_name", "contact_email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Fill this in when the municipality may contact you."))
        return cleaned


class AssetForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["kind", "name", "tenure", "size_m2", "since_year", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "size_m2": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "since_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }


class YearFiguresForm(forms.ModelForm):
    """One year of figures as a table: every income stream, expenses, people."""

    class Meta:
        model = YearFigures
        fields = [
            "year",
            *INCOME_FIELDS,
            "expenses",
            "paid_staff_fte",
            "volunteers",
            "people_from_benefits",
            "residents_reached",
        ]
        widgets = {
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "paid_staff_fte": forms.TextInput(attrs={"inputmode": "decimal"}),
            "volunteers": forms.NumberInput(attrs={"min": 0}),
            "people_from_benefits": forms.NumberInput(attrs={"min": 0}),
            "residents_reached": forms.NumberInput(attrs={"min": 0}),
        }
        field_classes = dict.fromkeys([*INCOME_FIELDS, "expenses"], EuroField)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)
        for name in (*INCOME_FIELDS, "expenses"):
            self.fields[name].help_text = ""
        self.fields["paid_staff_fte"].localize = True
        self.fields["paid_staff_fte"].help_text = _("For example 2,5 for two and a half jobs.")
        if self.instance.pk:
            self.fields["year"].disabled = True

    @property
    def income_fields(self):
        return [self[name] for name in INCOME_FIELDS]

    @property
    def other_fields(self):
        names = [
            "expenses",
            "paid_staff_fte",
            "volunteers",
            "people_from_benefits",
            "residents_reached",
        ]
        return [self[name] for name in names]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                _("Enter a year between %(first)s and %(last)s."),
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
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
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for rejection: the members read it."))
        return cleaned
