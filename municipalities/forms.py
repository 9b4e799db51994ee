from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OfficerLink
from .selectors import SORTS


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Municipality"), required=False, max_length=100)
    sorteer = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("naam", _("Name")), ("aantal", _("Number of enterprises"))],
    )

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", "naam"
        sort = self.cleaned_data.get("sorteer") or "naam"
        return self.cleaned_data.get("q") or "", sort if sort in SORTS else "naam"


class LinkRequestForm(forms.ModelForm):
    class Meta:
        model = OfficerLink
        fields = ["job_title", "motivation"]
        widgets = {
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "motivation": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        help_texts = {
            "motivation": _(
                "Your department and what you want to use the data for. Staff of the association "
                "check this with the municipality before they approve."
            ),
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("goedkeuren", "goedkeuren"), ("afwijzen", "afwijzen")])


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
