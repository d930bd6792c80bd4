"""The dashboard page: one view that asks each section for its context."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from .. import parts
from ..access import current_space
from ..http import login_required

DASHBOARD = "couples/dashboard.html"
# The whole dashboard body (linked or not): what switches when a couple links or unlinks.
SPACE_PART = "space"

# The partner bar is a shared part too (a display name change re-renders it).
parts.register("partner", DASHBOARD)(lambda request, space: {})


def dashboard_context(request, space, *, fresh=(), **extra):
    """The page's context. Parts come from the rendered-parts cache, except
    those named in ``fresh``: their context is built here (and ``extra`` may
    override it, e.g. a form with errors) and they are rendered in place."""
    context = {"space": space}
    if space is None:
        from .linking import linking_context  # linking imports this module

        context.update(linking_context(request, space))
    elif fresh:
        context.update(parts.part_context(request, space, names=set(fresh)))
        context["fresh_parts"] = frozenset(fresh)
    context.update(extra)
    return context


def render_named_part(request, name, space):
    """The HTML of one dashboard part for ``request.user``, or ``None`` when
    there is no such part for them. Used by the refetch endpoint and by the
    socket (realtime.consumers), so both always send the page's own partials."""
    if name == SPACE_PART:
        context = dashboard_context(request, space)
        return render_to_string(f"{DASHBOARD}#{SPACE_PART}", context, request=request)
    if name not in parts.PARTS or space is None:
        return None
    return parts.cached_part_html(name, request, space)


# The page holds the owner's reflections part: keep every frame's variables out
# of error reports.
@sensitive_variables()
@require_GET
@login_required
def dashboard(request):
    space = current_space(request.user)
    return render(request, DASHBOARD, dashboard_context(request, space))


@sensitive_variables()
@require_GET
@login_required
def part(request, name):
    """One part, as it is now, for this person: the page refetches parts over
    HTTP after a missed push or a reconnect (static/js/live.js)."""
    html = render_named_part(request, name, current_space(request.user))
    if html is None:
        raise Http404("No such part.")
    return HttpResponse(html)
