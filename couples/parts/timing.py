"""When we are open, on the dashboard: the shared overlap (the same for both),
my own week as a grid I edit in place, and my partner's notes in their words.

My partner's cells are read (the overlap needs them) but never put in the
context: only the overlap, which is symmetric, is made from them."""

from dataclasses import dataclass

from accounts.timezones import same_clock, zone_of

from ..access import Space
from ..domain.overlap import grid_rows, heatmap, legend, week_rows
from ..models import TimingGrid
from .base import Part


@dataclass(frozen=True)
class TimingView:
    """What one person sees of the couple's timing: the shared overlap (the
    same for both), their own grid (cells to edit, rows to read), and their
    partner's notes. Nothing of the partner's cells but the overlap."""

    heatmap: object
    legend: list
    mine: object
    my_rows: list
    my_week: list
    partner_notes: str
    # Our clocks differ: each week is its owner's own local time
    # (docs/decisions.md, "Time zones"), said in a note. Never which zone the
    # partner is in: their place is theirs.
    zones_differ: bool = False


def load(space: Space) -> dict:
    """Both partners' grids (one query) and their overlap, which depends only
    on the unordered pair of grids, so it is drawn once for both."""
    grids = {
        grid.author_id: grid
        for grid in TimingGrid.objects.filter(
            couple=space.couple, author_id__in=[space.me.pk, space.partner.pk]
        )
    }
    first, second = (grids.get(person.pk) for person in space.people)
    return {
        "grids": grids,
        "heatmap": heatmap(first and first.cells, second and second.cells),
    }


def timing_view(space: Space, rows: dict) -> TimingView:
    mine, partners = rows["grids"].get(space.me.pk), rows["grids"].get(space.partner.pk)
    return TimingView(
        heatmap=rows["heatmap"],
        legend=legend(),
        mine=mine,
        my_rows=grid_rows(mine and mine.cells),
        my_week=week_rows(mine and mine.cells),
        partner_notes=partners.notes if partners else "",
        zones_differ=not same_clock(zone_of(space.me), zone_of(space.partner)),
    )


def build(space: Space, rows: dict, *, request=None) -> dict:
    return {"timing": timing_view(space, rows)}


PART = Part("timing", "couples/sections/timing.html", build=build, load=load)
