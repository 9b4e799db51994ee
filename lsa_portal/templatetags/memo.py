"""``{% memo %}``: a part of a template that is the same for every visitor, rendered once for
each language and each combination of the values it names, then reused::

    {% load memo %}
    {% memo section=request.resolver_match.app_name %}<nav>…{{ section }}…</nav>{% endmemo %}

The part sees only the values it names, never the rest of the context, so nothing of one
visitor (the user, a CSRF token, messages) can be kept and shown to another: a value it uses
without naming it renders empty. Meant for the layout's fixed parts (links, labels, static
files), whose ``{% url %}``, ``{% static %}`` and translations cost time on every page.

The rendered parts live on the parsed template, so they last as long as the template loader
keeps it (for the process in production; a template changed on disk in development is parsed
anew, and so rendered anew), and are forgotten whenever a setting changes (tests). A part
holds no ``{% block %}``: what a page puts in a block is the page's own. Knows no app.
"""

from __future__ import annotations

import weakref

from django import template
from django.core.signals import setting_changed
from django.template import Context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

MAX_VARIANTS = 100  # a safety net: languages times the values of a part (e.g. site sections)
_nodes: weakref.WeakSet = weakref.WeakSet()


def forget(**kwargs) -> None:
    for node in list(_nodes):
        node.rendered.clear()


setting_changed.connect(forget, dispatch_uid="lsa_portal.memo.forget")


class MemoNode(template.Node):
    # Nothing inside is looked for when a page extends the layout (no block may be inside, see
    # memo()), which spares walking the kept parts on every render.
    child_nodelists = ()

    def __init__(self, nodelist, values: dict):
        self.nodelist = nodelist
        self.values = values
        self.rendered: dict[tuple, str] = {}
        _nodes.add(self)

    def render(self, context) -> str:
        resolved = {name: value.resolve(context) for name, value in self.values.items()}
        key = (
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            context.autoescape,
            tuple((name, str(value)) for name, value in sorted(resolved.items())),
        )
        html = self.rendered.get(key)
        if html is None:
            own = Context(
                resolved,
                autoescape=context.autoescape,
                use_l10n=context.use_l10n,
                use_tz=context.use_tz,
            )
            with own.bind_template(context.template):
                html = self.nodelist.render(own)
            if len(self.rendered) < MAX_VARIANTS:
                self.rendered[key] = html
        return html


@register.tag
def memo(parser, token):
    """``{% memo name=value … %}…{% endmemo %}``: see the module's docstring."""
    values = {}
    for bit in token.split_contents()[1:]:
        name, sep, expression = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError("memo takes only name=value arguments")
        values[name] = parser.compile_filter(expression)
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A child template's block would be kept and shown on every other page.
        raise template.TemplateSyntaxError("a {% block %} cannot be inside {% memo %}")
    return MemoNode(nodelist, values)
