"""The small country map for pages outside this app (the home page), so that the portal's own
views need not import an app: the template that shows it loads this tag."""

from django import template

from ..views import country_map_html

register = template.Library()

SMALL_WIDTH = 320


@register.simple_tag
def small_country_map() -> str:
    """The country shaded by published enterprises, SMALL_WIDTH wide, as one image (no links:
    a page that only points to the map needs no 340 keyboard stops) whose title says what it
    shows. Rendered once per language and version of the directory."""
    return country_map_html(width=SMALL_WIDTH, linked=False, map_id="small-map")
