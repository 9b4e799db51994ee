"""The municipality picker: every municipality once, plus the names people use.

Someone looking for Den Haag in a list of 340 municipalities types 'Den H' and finds nothing, as
the official name is 's-Gravenhage. Each other name gets an option of its own ('Den Haag
('s-Gravenhage)') with the same value, in alphabetical order, so the browser's type-ahead and a
screen reader's list both find it. Only the official option is ever marked selected."""

from __future__ import annotations

from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from lsa_portal.widgets import LongSelect

from .names import fold


class MunicipalitySelect(LongSelect):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None
        }
        leading, options = [], []
        for option_value, label in self.choices:
            instance = getattr(option_value, "instance", None)
            is_selected = str(option_value) in selected
            if instance is None:  # the empty choice stays on top
                leading.append((option_value, " selected" if is_selected else "", label))
                continue
            options.append(
                (fold(str(label)), option_value, " selected" if is_selected else "", label)
            )
            for alias in instance.aliases:
                options.append((fold(alias), option_value, "", f"{alias} ({label})"))
        options.sort(key=lambda option: option[0])
        rows = [*leading, *((value, chosen, label) for _key, value, chosen, label in options)]
        html = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        return format_html("<select{}>{}</select>", flatatt(final_attrs), html)
