"""The dashboard page: one view that asks each section for its context."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import current_space
from ..http import login_required

DASHBOARD = "couples/dashboard.html"


def _section_builders(space):
    """Each area contributes the context its partial needs, for this viewer.

    Imported late so that an area's view module may itself import this one.
    """
    from . import linking

    if space is None:
        return [linking.linking_context]
    return []


def dashboard_context(request, space, **extra):
    context = {"space": space}
    for build in _section_builders(space):
        context.update(build(request, space))
    context.update(extra)
    return context


@require_GET
@login_required
def dashboard(request):
    space = current_space(request.user)
    return render(request, DASHBOARD, dashboard_context(request, space))
