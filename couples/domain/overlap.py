"""The week grid and where two grids meet: pure functions, no database.

A grid is a string of 35 characters, one per cell, day by day (Monday first),
each day's five parts in order: early morning, morning, afternoon, evening,
late night. A character is a level: ``u`` usually open, ``s`` sometimes, ``r``
rarely, ``-`` not said. "Not said" is never read as open: absence of an answer
is not a yes.

The overlap of two grids is symmetric by construction (it only ever looks at
the unordered pair of levels), so the shared picture is the same whoever looks
at it and never tells which of the two is the less available one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .i18n import soft_hyphen_lazy

DAYS = (
    ("mon", _("Monday"), pgettext_lazy("abbreviated weekday", "Mon")),
    ("tue", _("Tuesday"), pgettext_lazy("abbreviated weekday", "Tue")),
    ("wed", _("Wednesday"), pgettext_lazy("abbreviated weekday", "Wed")),
    ("thu", _("Thursday"), pgettext_lazy("abbreviated weekday", "Thu")),
    ("fri", _("Friday"), pgettext_lazy("abbreviated weekday", "Fri")),
    ("sat", _("Saturday"), pgettext_lazy("abbreviated weekday", "Sat")),
    ("sun", _("Sunday"), pgettext_lazy("abbreviated weekday", "Sun")),
)
PARTS = (
    ("early", _("Early morning"), pgettext_lazy("short part of the day", "Early")),
    ("morning", _("Morning"), pgettext_lazy("short part of the day", "Morn.")),
    ("afternoon", _("Afternoon"), pgettext_lazy("short part of the day", "Aftn.")),
    ("evening", _("Evening"), pgettext_lazy("short part of the day", "Eve.")),
    ("late", _("Late night"), pgettext_lazy("short part of the day", "Late")),
)
# A part of the day after a weekday, in a sentence or a slot: "Tuesday evening".
PART_AFTER_DAY = (
    pgettext_lazy("after a weekday (Tuesday evening)", "early morning"),
    pgettext_lazy("after a weekday (Tuesday evening)", "morning"),
    pgettext_lazy("after a weekday (Tuesday evening)", "afternoon"),
    pgettext_lazy("after a weekday (Tuesday evening)", "evening"),
    pgettext_lazy("after a weekday (Tuesday evening)", "late night"),
)
CELLS = len(DAYS) * len(PARTS)

USUALLY, SOMETIMES, RARELY, NOT_SAID = "u", "s", "r", "-"
LEVELS = {
    USUALLY: _("Usually open"),
    SOMETIMES: _("Sometimes"),
    RARELY: _("Rarely"),
    NOT_SAID: _("Not said"),
}
EMPTY_GRID = NOT_SAID * CELLS
# For narrow tables; the soft hyphen lets "Sometimes" wrap on a phone.
LEVEL_SHORT = {
    USUALLY: pgettext_lazy("short level in the week grid", "Usually"),
    SOMETIMES: soft_hyphen_lazy(
        pgettext_lazy(
            "short level in the week grid; | marks where the word may break", "Some|times"
        )
    ),
    RARELY: _("Rarely"),
    NOT_SAID: "\u2013",
}

# Tapping a cell of my week moves it on to the next level, round and round.
CYCLE = {USUALLY: SOMETIMES, SOMETIMES: RARELY, RARELY: NOT_SAID, NOT_SAID: USUALLY}

# Overlap of two cells, strongest first. Labels speak of the pair ("both", "a
# good time", "us"), never of one person.
STRONG, GOOD, POSSIBLE, LOW = "strong", "good", "possible", "low"
WAITING, UNMARKED = "waiting", "unmarked"
OVERLAP_LABELS = {
    STRONG: _("Both usually open"),
    GOOD: _("Often a good time"),
    POSSIBLE: _("Sometimes a good time"),
    LOW: _("Not a likely time"),
    WAITING: _("Waiting for both marks"),
    UNMARKED: _("Not marked yet"),
}
# A mark besides the colour, so the picture does not rely on colour alone.
OVERLAP_GLYPHS = {
    STRONG: "●●",
    GOOD: "●",
    POSSIBLE: "◐",
    LOW: "\u2013",
    WAITING: "\u2026",
    UNMARKED: "",
}
_WEIGHT = {USUALLY: 2, SOMETIMES: 1}


@dataclass(frozen=True)
class Paint:
    """SVG presentation attributes for one overlap. They draw the picture where no
    stylesheet reaches inside the SVG (the PDF brief); on the page, app.css's
    classes override them (dark mode). Attributes, not inline style: CSP-safe."""

    fill: str
    stroke: str
    ink: str  # the glyph's colour
    dashed: bool = False


OVERLAP_PAINT = {
    STRONG: Paint("#b5523b", "#96412d", "#ffffff"),
    GOOD: Paint("#dc8f77", "#bbbbbb", "#3b2a25"),
    POSSIBLE: Paint("#f3d3c6", "#bbbbbb", "#3b2a25"),
    LOW: Paint("#ece9e7", "#bbbbbb", "#6b625e"),
    WAITING: Paint("#fbf4f1", "#b5523b", "#6b3a2e", dashed=True),
    UNMARKED: Paint("none", "#bbbbbb", "#777777", dashed=True),
}


def is_valid_grid(cells):
    return (
        isinstance(cells, str) and len(cells) == CELLS and all(level in LEVELS for level in cells)
    )


def overlap_level(a, b):
    """Where two levels meet. A time shows a level only once both have marked
    it: marked by one, it is "waiting" whatever that mark says (so the first
    mark, even a "rarely", is never shown to the other through the picture);
    marked by neither, "not marked yet". Neither is ever read as open. Once
    both have marked it, either ``rarely`` makes it unlikely; otherwise the
    two levels add up."""
    marked = (a != NOT_SAID) + (b != NOT_SAID)
    if marked == 0:
        return UNMARKED
    if marked == 1:
        return WAITING
    if RARELY in (a, b):
        return LOW
    return {4: STRONG, 3: GOOD, 2: POSSIBLE}[_WEIGHT[a] + _WEIGHT[b]]


def overlap(cells_a, cells_b):
    """The 35 overlap levels of two grids (either may be ``None``: not filled)."""
    a = cells_a or EMPTY_GRID
    b = cells_b or EMPTY_GRID
    return [overlap_level(x, y) for x, y in zip(a, b, strict=True)]


def index(day, part):
    return day * len(PARTS) + part


def cell_name(day_key, part_key):
    """A cell's name in forms and posts: ``mon_early``."""
    return f"{day_key}_{part_key}"


# name -> position in the 35-character grid
CELL_INDEX = {
    cell_name(day_key, part_key): index(d, p)
    for d, (day_key, _dl, _ds) in enumerate(DAYS)
    for p, (part_key, _pl, _ps) in enumerate(PARTS)
}


def with_cell(cells, position, level):
    """``cells`` with one cell set to ``level``."""
    cells = cells or EMPTY_GRID
    return cells[:position] + level + cells[position + 1 :]


@dataclass(frozen=True)
class Cell:
    day: str  # "Monday"
    part: str  # "Early morning"
    key: str  # a level ("u") or an overlap ("strong")
    label: str
    # SVG coordinates, as the text the template writes (a number in a template
    # goes through localisation, 35 cells x 4 of them: most of the picture's time).
    x: str = ""
    y: str = ""
    cx: str = ""
    cy: str = ""

    @property
    def short(self):
        return LEVEL_SHORT.get(self.key, self.label)

    @property
    def glyph(self):
        return OVERLAP_GLYPHS.get(self.key, "")

    @property
    def paint(self):
        return OVERLAP_PAINT.get(self.key)


def grid_rows(cells):
    """One person's grid as ``(day, short day, [Cell])`` rows, for tables."""
    cells = cells or EMPTY_GRID
    return [
        (
            day_label,
            day_short,
            [
                Cell(day_label, part_label, cells[index(d, p)], LEVELS[cells[index(d, p)]])
                for p, (_k, part_label, _s) in enumerate(PARTS)
            ],
        )
        for d, (_key, day_label, day_short) in enumerate(DAYS)
    ]


# The heatmap's geometry, in SVG user units; the SVG scales to its box.
LABEL_WIDTH, HEADER_HEIGHT, CELL_WIDTH, CELL_HEIGHT, GAP = 48, 26, 58, 30, 4


@dataclass(frozen=True)
class Heatmap:
    rows: list  # [(day_label, short, y_text, [Cell])], y_text a str
    columns: list  # [(part_label, short, x_text)], x_text a str
    width: int
    height: int
    cell_width: int = CELL_WIDTH
    cell_height: int = CELL_HEIGHT

    @property
    def marked_days(self):
        """[(day_label, [Cell])]: only the days and times both have marked. The
        rest is said once ("not marked by both yet"), not in every empty cell."""
        days = []
        for day_label, _short, _y, cells in self.rows:
            marked = [cell for cell in cells if cell.key not in {UNMARKED, WAITING}]
            if marked:
                days.append((day_label, marked))
        return days

    @property
    def all_marked(self):
        return all(
            cell.key not in {UNMARKED, WAITING} for *_rest, cells in self.rows for cell in cells
        )


def heatmap(cells_a, cells_b):
    """Everything the template needs to draw the overlap, and nothing that says
    whose grid is whose: the input order does not change the output."""
    levels = overlap(cells_a, cells_b)
    columns = [
        (label, short, str(LABEL_WIDTH + p * (CELL_WIDTH + GAP) + CELL_WIDTH // 2))
        for p, (_k, label, short) in enumerate(PARTS)
    ]
    rows = []
    for d, (_key, day_label, day_short) in enumerate(DAYS):
        y = HEADER_HEIGHT + d * (CELL_HEIGHT + GAP)
        row = []
        for p, (_k, part_label, _s) in enumerate(PARTS):
            key = levels[index(d, p)]
            row.append(
                Cell(
                    day_label,
                    part_label,
                    key,
                    OVERLAP_LABELS[key],
                    x=str(LABEL_WIDTH + p * (CELL_WIDTH + GAP)),
                    y=str(y),
                    cx=str(LABEL_WIDTH + p * (CELL_WIDTH + GAP) + CELL_WIDTH // 2),
                    cy=str(y + CELL_HEIGHT // 2),
                )
            )
        rows.append((day_label, day_short, str(y + CELL_HEIGHT // 2), row))
    width = LABEL_WIDTH + len(PARTS) * (CELL_WIDTH + GAP) - GAP
    height = HEADER_HEIGHT + len(DAYS) * (CELL_HEIGHT + GAP) - GAP
    return Heatmap(rows=rows, columns=columns, width=width, height=height)


def legend():
    return [
        (key, OVERLAP_LABELS[key], OVERLAP_GLYPHS[key], OVERLAP_PAINT[key])
        for key in OVERLAP_LABELS
    ]


@dataclass(frozen=True)
class WeekCell:
    """One control of my week grid: what it is, what it says, and what a tap
    sets it to next."""

    name: str  # "mon_early"
    day: str  # "Monday"
    part: str  # "Early morning"
    key: str  # "u"
    label: str  # "Usually open"
    next_key: str

    @property
    def short(self):
        return LEVEL_SHORT[self.key]

    @property
    def spoken(self):
        return self.label.lower()

    @property
    def css(self):
        return "none" if self.key == NOT_SAID else self.key


def week_rows(cells):
    """My grid as ``(day_label, short, [WeekCell])`` rows, for the editable grid."""
    cells = cells or EMPTY_GRID
    rows = []
    for d, (day_key, day_label, day_short) in enumerate(DAYS):
        row = []
        for p, (part_key, part_label, _s) in enumerate(PARTS):
            key = cells[index(d, p)]
            row.append(
                WeekCell(
                    cell_name(day_key, part_key),
                    day_label,
                    part_label,
                    key,
                    LEVELS[key],
                    CYCLE[key],
                )
            )
        rows.append((day_label, day_short, row))
    return rows
