"""Validators shared by the apps' models and forms."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Control characters (tab and line breaks aside), and the Unicode controls that turn the
# direction of the text around it: in a name shown to others they can make it read as another
# name ("Buurtbedrijf\u202eroon" shows as "Buurtbedrijfnoor"). Letters of right-to-left
# scripts are welcome; these invisible controls are not.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def no_hidden_characters(value: str) -> None:
    if value and _HIDDEN.search(value):
        raise ValidationError(
            _(
                "This text contains invisible control characters (often from copying and "
                "pasting). Type the text again, or paste it as plain text."
            ),
            code="hidden_characters",
        )


@deconstructible
class YearRangeValidator:
    """A calendar year from ``first`` to ``last`` (this year when ``last`` is None), with one
    message for every year out of range: -5 and 1700 read the same, not "at least 0" for the
    one and "at least 1900" for the other."""

    message = _("Enter a year between %(first)s and %(last)s.")
    code = "year_range"

    def __init__(self, first: int, last: int | None = None):
        self.first, self.last = first, last

    def __call__(self, value) -> None:
        last = timezone.localdate().year if self.last is None else self.last
        if value is not None and not self.first <= value <= last:
            raise ValidationError(
                self.message, code=self.code, params={"first": self.first, "last": last}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, YearRangeValidator) and (self.first, self.last) == (
            other.first,
            other.last,
        )


class YearModelField(models.PositiveSmallIntegerField):
    """A year column whose forms (the admin's too) check the range with ``YearRangeValidator``.

    A plain ``PositiveSmallIntegerField`` gives its form field a minimum of 0 with Django's own
    message, so a form built from the model said "at least 0" for -5 and, through the model's
    validators, "at least 1900" for 1700. The model keeps its validators and the database its
    check constraints; migrations see the plain field, so there is nothing to migrate.
    """

    def __init__(self, *args, first: int = 1900, last: int = 2100, **kwargs):
        from django.core.validators import MaxValueValidator, MinValueValidator

        self.first, self.last = first, last
        kwargs.setdefault("validators", [MinValueValidator(first), MaxValueValidator(last)])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        kwargs.setdefault("validators", [YearRangeValidator(self.first, self.last)])
        # Only a class that was given goes on: IntegerField's own default is a keyword it
        # gives way to, and an explicit None would make Field.formfield fall back to CharField.
        if form_class is not None:
            kwargs["form_class"] = form_class
        if choices_form_class is not None:
            kwargs["choices_form_class"] = choices_form_class
        return super().formfield(**{"min_value": None, **kwargs})
