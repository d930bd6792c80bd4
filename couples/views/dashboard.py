"""The dashboard page and the refetch endpoint for one of its parts."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from ..access import current_space
from ..http import HtmxHttpRequest, login_required
from ..parts import DASHBOARD, dashboard_context, render_named_part


# The page holds the owner's reflections part: keep every frame's variables out
# of error reports.
@sensitive_variables()
@require_GET
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    space = current_space(request.user)
    return render(request, DASHBOARD, dashboard_context(request, space))


@sensitive_variables()
@require_GET
@login_required
def part(request: HtmxHttpRequest, name: str) -> HttpResponse:
    """One part, as it is now, for this person: the page refetches parts over
    HTTP after a missed push or a reconnect (static/js/live.js)."""
    html = render_named_part(request, name, current_space(request.user))
    if html is None:
        raise Http404("No such part.")
    return HttpResponse(html)
