"""How every form of the portal renders (allauth's included)."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Django's accessible field groups (errors and help tied with aria-describedby), with Dutch
    labels without a trailing colon and optional fields marked as such, and an error summary
    at the top of every form that has errors (focused and announced when the page opens)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
