"""The knowledge base's forms: the search (which never fails), and the public forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Municipality
from enterprises.widgets import MunicipalitySelect
from lsa_portal.validators import YearRangeValidator

from .models import AdviceRequest, AdviceTopic, ItemKind, RequesterRole
from .search import SearchParams

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    """Reads the query string. Whatever is typed, it yields parameters: a value that does not
    make sense (an unknown kind, year=abc) is left out rather than shown as an error."""

    q = forms.CharField(label=_("Search for"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ItemKind.choices]
    )
    theme = forms.SlugField(label=_("Theme"), required=False, max_length=40)
    audience = forms.SlugField(label=_("Audience"), required=False, max_length=40)
    year = forms.IntegerField(
        label=_("Year"), required=False, validators=[YearRangeValidator(1900, 2100)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].validators = []  # clean_q removes NUL characters instead of refusing

    def clean_q(self) -> str:
        value = self.cleaned_data.get("q") or ""
        return " ".join(value.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]

    def params(self, page: str | None = None) -> SearchParams:
        self.is_valid()
        data = self.cleaned_data
        return SearchParams(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            audience=data.get("audience") or "",
            year=data.get("year"),
            page=page,
        )


CONSENT_HELP = _(
    "We use your details only for this purpose and delete them after a year at the latest."
)


class ReportRequestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("The download link is sent to this address.")
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("You are"), choices=[("", _("Choose…")), *RequesterRole.choices]
    )
    consent = forms.BooleanField(
        label=_("I agree that the association keeps my details with this request."),
        help_text=CONSENT_HELP,
        error_messages={"required": _("Tick the box to agree, otherwise we cannot send it.")},
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)


class AdviceRequestForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Not applicable"),
        widget=MunicipalitySelect,
    )
    topic = forms.ChoiceField(
        label=_("What you would like"), choices=[("", _("Choose…")), *AdviceTopic.choices]
    )
    consent = forms.BooleanField(
        label=_("I agree that the association keeps my details to answer this request."),
        help_text=CONSENT_HELP,
        error_messages={"required": _("Tick the box to agree, otherwise we cannot answer.")},
    )

    class Meta:
        model = AdviceRequest
        fields = ["name", "email", "organisation", "municipality", "topic", "message", "consent"]
        labels = {
            "name": _("Name"),
            "email": _("E-mail address"),
            "organisation": _("Organisation"),
            "message": _("Your question"),
        }
        help_texts = {
            "message": _("For example the occasion, the date you have in mind and who will come.")
        }
