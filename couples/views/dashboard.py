"""The dashboard page: one view that asks each section for its context."""

from django.shortcuts import render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from .. import parts
from ..access import current_space
from ..http import login_required

DASHBOARD = "couples/dashboard.html"


def dashboard_context(request, space, **extra):
    context = {"space": space}
    if space is None:
        from .linking import linking_context  # linking imports this module

        context.update(linking_context(request, space))
    else:
        context.update(parts.part_context(request, space))
    context.update(extra)
    return context


# The page holds the owner's reflections part: keep every frame's variables out
# of error reports.
@sensitive_variables()
@require_GET
@login_required
def dashboard(request):
    space = current_space(request.user)
    return render(request, DASHBOARD, dashboard_context(request, space))
