"""Forms of the programme. Messages are Dutch through gettext; nothing typed is lost."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from lsa_portal.forms import form_field

from .models import (
    ANSWER_FIELDS,
    DECISIONS,
    POSITION_MAX,
    POSITION_MIN,
    SCORE_MAX,
    SCORE_MIN,
    Application,
    Area,
    Cohort,
    Criterion,
    Element,
    Expert,
    FlywheelType,
    Lesson,
    LogEntry,
    Milestone,
    Pioneer,
    SupportItem,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y"]


class DateField(forms.DateField):
    """A date as a browser's date picker sends it, or typed the Dutch way (31-12-2026)."""

    widget = DATE_INPUT
    default_error_messages = {"invalid": _("Enter a date, for example 31-12-2026.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)


POSITION_PATTERN = re.compile(r"^\s*(\d{1,3})(?:[.,]0+)?\s*%?\s*$")


def parse_position(text: str) -> int:
    """A fader position as people type it: '40', ' 40 ', '40%', '40,0'. Anything else, or
    outside 0–100, is a ValidationError with a Dutch message."""
    match = POSITION_PATTERN.match(text or "")
    if not match:
        raise ValidationError(_("Enter a whole number from 0 to 100."), code="invalid_position")
    value = int(match.group(1))
    if not POSITION_MIN <= value <= POSITION_MAX:
        raise ValidationError(_("Enter a whole number from 0 to 100."), code="out_of_range")
    return value


class PositionField(forms.Field):
    widget = forms.NumberInput(
        attrs={"min": POSITION_MIN, "max": POSITION_MAX, "step": 1, "inputmode": "numeric"}
    )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_position(str(value))


# --- Applying ------------------------------------------------------------------------------------


class StartApplicationForm(forms.Form):
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None, empty_label=_("Choose your enterprise")
    )
    cohort: forms.ModelChoiceField[Cohort] = forms.ModelChoiceField(
        label=_("Cohort"), queryset=None, empty_label=None
    )

    def __init__(self, *args, enterprises, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "enterprise", forms.ModelChoiceField).queryset = Enterprise.objects.filter(
            pk__in=[e.pk for e in enterprises]
        )
        form_field(self, "cohort", forms.ModelChoiceField).queryset = Cohort.objects.filter(
            pk__in=[c.pk for c in cohorts]
        )
        self.fields["enterprise"].help_text = _(
            "Only published enterprises that you keep can apply."
        )


NEEDED_TO_SUBMIT = [
    *(field for criterion, field in ANSWER_FIELDS.items() if criterion != Criterion.HELP_OTHERS),
    "flywheel_type",
    "willing_to_help",
    "contact_name",
    "contact_email",
]


def _mark_needed_to_submit(field: forms.Field) -> None:
    # The portal's field template (templates/forms/field.html) reads this flag of its own, which
    # no Field declares: it is set in the instance's attributes, where the template finds it.
    vars(field)["needed_to_submit"] = True


class ApplicationForm(forms.ModelForm):
    """The answers to the six criteria; a draft may be incomplete, submitting may not."""

    class Meta:
        model = Application
        fields = [
            "answer_residents",
            "answer_ambition",
            "flywheel_type",
            "answer_flywheel",
            "answer_feasible",
            "answer_support",
            "willing_to_help",
            "answer_help_others",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in ANSWER_FIELDS.values()} | {
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved half-done, so these are not "required"; the label still says that
        # submitting needs them (services.missing_for_submission checks the same ones).
        for name in NEEDED_TO_SUBMIT:
            _mark_needed_to_submit(self.fields[name])
        # The kinds after a prompt, in place of the model form's blank choice ("---------").
        form_field(self, "flywheel_type", forms.ChoiceField).choices = [
            ("", _("Choose a kind")),
            *FlywheelType.choices,
        ]
        self.areas = areas
        existing = (
            {need.area_id: need.description for need in self.instance.support_needs.all()}
            if self.instance.pk
            else {}
        )
        for area in areas:
            self.fields[f"need_{area.slug}"] = forms.CharField(
                label=area.name,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.get(area.pk, ""),
            )

    @property
    def need_fields(self):
        return [self[f"need_{area.slug}"] for area in self.areas]

    @property
    def answer_fields(self):
        return [self[name] for name in self.Meta.fields if not name.startswith("contact_")]

    @property
    def contact_fields(self):
        return [self[name] for name in ("contact_name", "contact_email", "contact_phone")]

    def needs(self) -> dict[Area, str]:
        return {area: self.cleaned_data.get(f"need_{area.slug}", "") for area in self.areas}


# --- Review ---------------------------------------------------------------------------------------


SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class ScoreForm(forms.Form):
    """A reviewer's score 1–5 and comment for each of the six criteria."""

    def __init__(self, *args, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_scores = initial_scores or {}
        for criterion in Criterion:
            mine = initial_scores.get(criterion.value)
            self.fields[f"score_{criterion.value}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score-choice"}),
                initial=str(mine.score) if mine else None,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
            self.fields[f"comment_{criterion.value}"] = forms.CharField(
                label=_("Comment on: %(criterion)s") % {"criterion": criterion.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=mine.comment if mine else "",
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            c.value: (
                self.cleaned_data[f"score_{c.value}"],
                self.cleaned_data[f"comment_{c.value}"],
            )
            for c in Criterion
        }

    def rows(self):
        return [(self[f"score_{c.value}"], self[f"comment_{c.value}"]) for c in Criterion]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(d.value, d.label) for d in DECISIONS],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the applicants"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent with the decision by e-mail to the members of the enterprise."),
    )


# --- Tracking -------------------------------------------------------------------------------------


class PioneerForm(forms.ModelForm):
    class Meta:
        model = Pioneer
        fields = [
            "ambition",
            "flywheel_type",
            "flywheel_plan",
            "active",
            "show_on_programme_page",
            "show_ambition_publicly",
        ]
        widgets = {
            "ambition": forms.Textarea(attrs={"rows": 4}),
            "flywheel_plan": forms.Textarea(attrs={"rows": 4}),
        }


class LogEntryForm(forms.ModelForm):
    date = DateField(label=_("Date"), initial=timezone.localdate)

    class Meta:
        model = LogEntry
        fields = ["kind", "date", "text", "visibility"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }


class MilestoneForm(forms.ModelForm):
    """The rule for an achieved milestone lives in ``Milestone.clean``, which validating this
    form runs too."""

    due_date = DateField(label=_("Due date"))
    achieved_on = DateField(label=_("Achieved on"), required=False)

    class Meta:
        model = Milestone
        fields = ["title", "due_date", "status", "achieved_on", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3})}


class SupportItemForm(forms.ModelForm):
    class Meta:
        model = SupportItem
        fields = ["area", "description", "expert", "hours_planned", "hours_spent", "status"]
        widgets = {
            "hours_planned": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "hours_spent": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expert = form_field(self, "expert", forms.ModelChoiceField)
        expert.queryset = Expert.objects.filter(active=True).order_by("name")
        expert.empty_label = _("Nobody yet")


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class ExtraElementForm(forms.ModelForm):
    class Meta:
        model = Element
        fields = ["name", "low_meaning", "high_meaning"]


class ReadingForm(forms.Form):
    """A new reading: a position 0–100 and a note per element, started from the last reading."""

    taken_on = DateField(label=_("Date of the reading"))
    note = forms.CharField(
        label=_("Note on the whole reading"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, elements: list[Element], last: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.elements = elements
        self.fields["taken_on"].initial = timezone.localdate()
        for element in elements:
            before = last.get(element.pk)
            self.fields[f"position_{element.pk}"] = PositionField(
                label=element.name,
                required=True,
                initial=before.position if before else 50,
                help_text=_("0 = %(low)s · 100 = %(high)s")
                % {"low": element.low_meaning, "high": element.high_meaning},
                error_messages={"required": _("Enter a whole number from 0 to 100.")},
            )
            self.fields[f"note_{element.pk}"] = forms.CharField(
                label=_("Note on %(element)s") % {"element": element.name},
                required=False,
                max_length=300,
            )

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise ValidationError(_("A reading cannot be in the future."))
        return taken_on

    def rows(self):
        return [
            (element, self[f"position_{element.pk}"], self[f"note_{element.pk}"])
            for element in self.elements
        ]

    def values(self) -> list[tuple[Element, int, str]]:
        return [
            (
                element,
                self.cleaned_data[f"position_{element.pk}"],
                self.cleaned_data[f"note_{element.pk}"].strip(),
            )
            for element in self.elements
        ]
