"""Desire-timing preferences: the page to edit one's week."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..domain.errors import Conflict, DomainError
from ..domain.overlap import CELL_INDEX, grid_rows
from ..forms.timing import TimingGridForm
from ..http import SpaceRequest, login_required, render_part, space_required
from ..parts import timing as part
from ..services import timing as timing_services

EDIT_PAGE = "couples/timing.html"


def _form_for(grid) -> TimingGridForm:
    if grid is None:
        return TimingGridForm(initial={"version": 0})
    return TimingGridForm(initial={"version": grid.version, "notes": grid.notes}, cells=grid.cells)


def _page(request: SpaceRequest, form, *, rows=None, partial="timing-editor", status=200, **extra):
    space = request.space
    context = {
        "space": space,
        "form": form,
        **part.PART.context(space, rows=rows if rows is not None else part.load(space)),
        **extra,
    }
    return render_part(request, EDIT_PAGE, context, partial=partial, status=status)


def _my_grid(space, rows):
    return rows["grids"].get(space.me.pk)


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def timing_edit(request: SpaceRequest) -> HttpResponse:
    space = request.space
    if request.method == "GET":
        rows = part.load(space)
        return _page(request, _form_for(_my_grid(space, rows)), rows=rows)
    form = TimingGridForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        timing_services.save_timing(
            space=space,
            cells=form.cells(),
            notes=form.cleaned_data["notes"],
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as error:
        # Both versions stay on screen: what is saved now, and (in the form) what
        # this tab tried to save, now based on the saved version so a second
        # save is a deliberate choice.
        rows = part.load(space)
        saved = _my_grid(space, rows)
        data = request.POST.copy()
        data["version"] = saved.version if saved else 0
        form = TimingGridForm(data)
        form.is_valid()
        return _page(
            request,
            form,
            rows=rows,
            status=error.status,
            conflict=error.message,
            saved=saved,
            saved_rows=grid_rows(saved and saved.cells),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, form, status=error.status)
    messages.success(request, _("Your week is saved."))  # with htmx too (config/messages.py)
    if request.htmx:
        rows = part.load(space)
        return _page(
            request,
            _form_for(_my_grid(space, rows)),
            rows=rows,
            partial="timing-saved",
        )
    return redirect(reverse("dashboard") + "#timing")


@require_http_methods(["POST"])
@login_required
@space_required
def timing_cell(request: SpaceRequest) -> HttpResponse:
    """One cell of my week, set from the dashboard's grid: ``mon_early=s``.

    The grid's script posts one cell per tap (and says so with ``HX-Request``):
    204, nothing to swap, the part arrives over the socket like any change.
    Without JavaScript each cell is a submit button of the same form: the post
    redirects back to the grid. A refusal is the domain error's message (422),
    as a fragment for the script or a page, and saves nothing.
    """
    named = [name for name in request.POST if name in CELL_INDEX]
    if len(named) != 1:
        raise timing_services.InvalidTiming(
            _("Choose one part of the week to change, then try again.")
        )
    timing_services.set_timing_cell(
        space=request.space, cell=named[0], level=request.POST[named[0]]
    )
    if request.htmx:
        response = HttpResponse(status=204)
    else:
        response = redirect(reverse("dashboard") + "#my-week")
    patch_vary_headers(response, ["HX-Request"])
    return response
