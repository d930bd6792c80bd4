"""Saving a person's week grid (desire-timing preferences) in their couple."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realtime import broadcast

from ..access import Space
from ..domain.errors import Invalid, NotFound, check_version
from ..domain.overlap import CELL_INDEX, LEVELS, is_valid_grid, with_cell
from ..models import Membership, TimingGrid
from ..models.timing import NOTES_MAX_LENGTH


class NotLinked(NotFound):
    pass


class InvalidTiming(Invalid):
    pass


BAD_LEVEL = gettext_lazy("A part of the week can be usually open, sometimes, rarely or not said.")


def _lock_membership(space: Space):
    """Lock the author's current membership row: it serialises this save with
    their other tabs (two first saves cannot both create) and with an unlink
    (which updates that row), so the couple cannot end under our feet."""
    membership = (
        Membership.objects.current()
        .select_for_update()
        .filter(user=space.me, couple=space.couple)
        .first()
    )
    if membership is None:
        raise NotLinked(_("Link with your partner first: the week grid is shared in a couple."))


def set_timing_cell(*, space: Space, cell: str, level: str) -> TimingGrid:
    """Set one cell of ``space.me``'s grid (``cell`` as ``mon_early``) to ``level``.

    One cell, atomically, and no version to match: the grid row is locked, read
    and written in one transaction, so quick taps and two devices of the same
    person each change only their own cell and none is lost (a full-form save
    still checks ``version``, which this bumps). Setting a cell to what it already
    is writes and broadcasts nothing. Only ever writes the author's own grid.
    """
    position = CELL_INDEX.get(cell) if isinstance(cell, str) else None
    if position is None:
        raise InvalidTiming(
            _("That is not a part of the week: choose a day and a part of the day.")
        )
    if not isinstance(level, str) or level not in LEVELS:
        raise InvalidTiming(BAD_LEVEL)
    with transaction.atomic():
        _lock_membership(space)
        grid = (
            TimingGrid.objects.select_for_update()
            .filter(couple=space.couple, author=space.me)
            .first()
        )
        if grid is None:
            grid = TimingGrid(author=space.me, couple=space.couple, version=0)
        elif grid.cells[position] == level:
            return grid
        grid.cells = with_cell(grid.cells, position, level)
        grid.version += 1
        grid.updated_at = timezone.now()
        grid.save()
        broadcast.part_changed(couple=space.couple, parts=["timing", "moment"])
    return grid


def save_timing(*, space: Space, cells: str, notes: str, expected_version) -> TimingGrid:
    """Save ``space.me``'s grid and notes in their couple.

    ``expected_version`` is the version the form was rendered from (0 when the
    author had no grid yet); a stale one raises ``Conflict`` and saves nothing.
    Only ever writes the author's own grid: there is no way to name another's.
    """
    notes = (notes or "").strip()
    if not is_valid_grid(cells):
        raise InvalidTiming(
            _("Each part of the week can be usually open, sometimes, rarely or not said.")
        )
    if len(notes) > NOTES_MAX_LENGTH:
        raise InvalidTiming(
            _("Notes can be at most %(limit)d characters (now %(length)d).")
            % {"limit": NOTES_MAX_LENGTH, "length": len(notes)}
        )
    author = space.me
    with transaction.atomic():
        _lock_membership(space)
        grid = (
            TimingGrid.objects.select_for_update()
            .filter(couple=space.couple, author=author)
            .first()
        )
        check_version(grid.version if grid else 0, expected_version, what=_("your week"))
        if grid is None:
            grid = TimingGrid(author=author, couple=space.couple, version=0)
        grid.cells = cells
        grid.notes = notes
        grid.version += 1
        grid.updated_at = timezone.now()
        grid.save()
        broadcast.part_changed(couple=space.couple, parts=["timing", "moment"])
    return grid
