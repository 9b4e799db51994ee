"""How every form of the portal renders (allauth's included), and form fields shared by the apps."""

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


def validation_message(error: ValidationError) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(error.messages)


FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """The form's own copy of its field ``name``, as the ``kind`` of field it is: to mypy
    ``form.fields`` holds plain ``Field``s, without a choice field's queryset or choices."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}"
        )
    return field


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
