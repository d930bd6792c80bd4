"""Desire-timing preferences: each partner's week grid within their couple.

One row per person per couple holds all 35 cells as a short string (see
``couples.domain.overlap`` for the layout and the levels). The dashboard reads both
partners' grids in one query whatever they contain, and a save is one row
update guarded by ``version``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from ..domain.overlap import CELLS, EMPTY_GRID, grid_rows

NOTES_MAX_LENGTH = 500


class TimingGrid(models.Model):
    """When one person is usually open to intimacy, across the week.

    ``couple`` is the relationship it was shared in: the partner sees it only
    while that couple is their current one. A new couple starts a fresh grid.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timing_grids"
    )
    couple = models.ForeignKey(
        "couples.Couple", on_delete=models.CASCADE, related_name="timing_grids"
    )
    # Day by day (Monday first), five parts of day each; "-" is "not said".
    cells = models.CharField(max_length=CELLS, default=EMPTY_GRID)
    notes = models.TextField(max_length=NOTES_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["couple", "author"], name="one_timing_grid_per_person"),
            models.CheckConstraint(
                condition=Q(cells__regex=rf"^[usr-]{{{CELLS}}}$"), name="timing_cells_well_formed"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH),
                name="timing_notes_length",
            ),
        ]

    def __str__(self):
        return f"timing grid {self.pk}"

    def rows(self):
        return grid_rows(self.cells)
