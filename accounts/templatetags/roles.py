"""The roles in templates: ``{% load roles %}{% if user|is_lsa_staff %}``."""

from django import template

from accounts import roles

register = template.Library()


@register.filter
def is_lsa_staff(user) -> bool:
    return roles.is_lsa_staff(user)
