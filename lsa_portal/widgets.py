"""Widgets of the portal as a whole."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A <select> for long option lists (all ~340 municipalities), rendered in Python.

    Django renders each option through a template, which costs about 12 ms for 340 options;
    this builds the same HTML (attributes from the bound field, aria-* included) in a loop.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None
        }
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)
