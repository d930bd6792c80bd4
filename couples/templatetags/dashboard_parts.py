"""``{% dashboard_part "name" %}``: one part of the dashboard, as the socket sends it.

A part is taken from the rendered-parts cache (couples.parts.cached_part_html)
unless the view named it in ``fresh_parts`` and put its own context in (a form
with errors shown in place, say): then it is rendered from this page's context.
"""

from django import template

from couples.parts import PARTS, cached_part_html

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_part(context, name):
    if name in context.get("fresh_parts", ()):
        partial = context.template.engine.get_template(PARTS[name].partial)
        return partial.render(context)
    return cached_part_html(name, context["request"], context["space"])
