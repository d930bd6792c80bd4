"""Desire-timing preferences: the dashboard part and the page to edit one's week."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import parts
from ..access import get_space_for_member, visible_timing_grids
from ..forms.timing import TimingGridForm
from ..http import login_required, render_part
from ..overlap import grid_rows, heatmap, legend
from ..services import Conflict, ServiceError
from ..services import timing as timing_services

EDIT_PAGE = "couples/timing.html"


@dataclass(frozen=True)
class TimingView:
    """What one person sees of the couple's timing: the shared overlap (the
    same for both), their own grid, and their partner's grid as marked."""

    heatmap: object
    legend: list
    mine: object
    my_rows: list
    partner: object
    partner_rows: list


@parts.register("timing", "couples/sections/timing.html")
def timing_context(request, space):
    mine, partners = visible_timing_grids(space)
    return {
        "timing": TimingView(
            heatmap=heatmap(mine and mine.cells, partners and partners.cells),
            legend=legend(),
            mine=mine,
            my_rows=grid_rows(mine and mine.cells),
            partner=partners,
            partner_rows=grid_rows(partners and partners.cells),
        )
    }


def _form_for(grid):
    if grid is None:
        return TimingGridForm(initial={"version": 0})
    return TimingGridForm(initial={"version": grid.version, "notes": grid.notes}, cells=grid.cells)


def _page(request, space, form, *, partial="timing-editor", status=200, **extra):
    context = {"space": space, "form": form, **timing_context(request, space), **extra}
    return render_part(request, EDIT_PAGE, context, partial=partial, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def timing_edit(request):
    space = get_space_for_member(request.user)
    if request.method == "GET":
        mine, _partners = visible_timing_grids(space)
        return _page(request, space, _form_for(mine))
    form = TimingGridForm(request.POST)
    if not form.is_valid():
        return _page(request, space, form, status=422)
    try:
        timing_services.save_timing(
            author=request.user,
            cells=form.cells(),
            notes=form.cleaned_data["notes"],
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as error:
        # Both versions stay on screen: what is saved now, and (in the form) what
        # this tab tried to save, now based on the saved version so a second
        # save is a deliberate choice.
        saved, _partners = visible_timing_grids(space)
        data = request.POST.copy()
        data["version"] = saved.version if saved else 0
        form = TimingGridForm(data)
        form.is_valid()
        return _page(
            request,
            space,
            form,
            status=error.status,
            conflict=error.message,
            saved=saved,
            saved_rows=grid_rows(saved and saved.cells),
        )
    except ServiceError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        form.add_error(None, error.message)
        return _page(request, space, form, status=error.status)
    if request.htmx:
        mine, _partners = visible_timing_grids(space)
        return _page(request, space, _form_for(mine), partial="timing-saved", just_saved=True)
    messages.success(request, "Your week is saved.")
    return redirect(reverse("dashboard") + "#timing")
