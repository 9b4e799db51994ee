"""``{{ item.body_html|rich_text }}``: stored HTML, cleaned with the allow-list as it is shown."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from knowledge.markdown import sanitize_html

register = template.Library()


@register.filter
def rich_text(value: str) -> SafeString:
    return mark_safe(sanitize_html(value))  # noqa: S308 - nh3 keeps only the allow-list
