"""Forms of the staff pages of the monitor. Messages are Dutch through gettext; the rules of a
round (which year, which deadline) are the service's, so that they hold wherever it is called."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_REMINDER_DAYS

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y"]
MAX_NOTE = 2000


def _last_year() -> int:
    return timezone.localdate().year - 1


class OpenRoundForm(forms.Form):
    """Open a reporting round: the year asked for, the deadline and the reminders."""

    year = forms.IntegerField(
        label=_("Year"),
        initial=_last_year,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("The year whose figures the enterprises enter: a year that has ended."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 31-03-2027.")},
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before the deadline)"),
        max_length=50,
        required=False,
        initial=",".join(str(days) for days in DEFAULT_REMINDER_DAYS),
        help_text=_(
            "Comma-separated, for example 14,3: a reminder 14 and 3 days before the deadline to "
            "the enterprises that have not reported. Leave empty for no reminders."
        ),
    )


class CorrectionForm(forms.Form):
    """Publish a correction of a fixed monitor: readers see the note."""

    note = forms.CharField(
        label=_("What was corrected"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the monitor's page beside the correction, for every reader."),
        error_messages={"required": _("Say what was corrected: readers of the monitor see it.")},
    )
