"""How every form of the portal renders (allauth's included)."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Django's accessible field groups (errors and help tied with aria-describedby), with Dutch
    labels without a trailing colon and optional fields marked as such."""

    field_template_name = "forms/field.html"
