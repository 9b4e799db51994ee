"""How every form of the portal renders (allauth's included), and form fields shared by the apps."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


def validation_message(error: ValidationError) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(error.messages)


class PortalFormRenderer(TemplatesSetting):
    """Django's accessible field groups (errors and help tied with aria-describedby), with Dutch
    labels without a trailing colon and optional fields marked as such, and an error summary
    at the top of every form that has errors (focused and announced when the page opens)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a number too large for the database is an invalid choice (with
    Django's translated message) rather than an OverflowError from SQLite's driver."""

    # Django's private _check_values is not in django-stubs' ModelMultipleChoiceField.
    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except OverflowError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": "…"}
            ) from error
