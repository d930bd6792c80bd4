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

DAYS = (
    ("mon", "Monday", "Mon"),
    ("tue", "Tuesday", "Tue"),
    ("wed", "Wednesday", "Wed"),
    ("thu", "Thursday", "Thu"),
    ("fri", "Friday", "Fri"),
    ("sat", "Saturday", "Sat"),
    ("sun", "Sunday", "Sun"),
)
PARTS = (
    ("early", "Early morning", "Early"),
    ("morning", "Morning", "Morn."),
    ("afternoon", "Afternoon", "Aftn."),
    ("evening", "Evening", "Eve."),
    ("late", "Late night", "Late"),
)
CELLS = len(DAYS) * len(PARTS)

USUALLY, SOMETIMES, RARELY, NOT_SAID = "u", "s", "r", "-"
LEVELS = {
    USUALLY: "Usually open",
    SOMETIMES: "Sometimes",
    RARELY: "Rarely",
    NOT_SAID: "Not said",
}
EMPTY_GRID = NOT_SAID * CELLS
# For narrow tables; the soft hyphen lets "Sometimes" wrap on a phone.
LEVEL_SHORT = {
    USUALLY: "Usually",
    SOMETIMES: "Some\u00adtimes",
    RARELY: "Rarely",
    NOT_SAID: "\u2013",
}

# Overlap of two cells, strongest first. Labels speak of the pair ("both", "a
# good time"), never of one person.
STRONG, GOOD, POSSIBLE, LOW, UNMARKED = "strong", "good", "possible", "low", "unmarked"
OVERLAP_LABELS = {
    STRONG: "Both usually open",
    GOOD: "Often a good time",
    POSSIBLE: "Sometimes a good time",
    LOW: "Not a likely time",
    UNMARKED: "Not marked by both yet",
}
# A mark besides the colour, so the picture does not rely on colour alone.
OVERLAP_GLYPHS = {STRONG: "●●", GOOD: "●", POSSIBLE: "◐", LOW: "\u2013", UNMARKED: "?"}
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
    UNMARKED: Paint("none", "#bbbbbb", "#777777", dashed=True),
}


def is_valid_grid(cells):
    return (
        isinstance(cells, str) and len(cells) == CELLS and all(level in LEVELS for level in cells)
    )


def overlap_level(a, b):
    """Where two levels meet. Either ``rarely`` makes it unlikely; an unsaid
    cell is not a window (but is told apart from a no); otherwise the two
    levels add up."""
    if RARELY in (a, b):
        return LOW
    if NOT_SAID in (a, b):
        return UNMARKED
    return {4: STRONG, 3: GOOD, 2: POSSIBLE}[_WEIGHT[a] + _WEIGHT[b]]


def overlap(cells_a, cells_b):
    """The 35 overlap levels of two grids (either may be ``None``: not filled)."""
    a = cells_a or EMPTY_GRID
    b = cells_b or EMPTY_GRID
    return [overlap_level(x, y) for x, y in zip(a, b, strict=True)]


def index(day, part):
    return day * len(PARTS) + part


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
            marked = [cell for cell in cells if cell.key != UNMARKED]
            if marked:
                days.append((day_label, marked))
        return days

    @property
    def all_marked(self):
        return all(cell.key != UNMARKED for *_rest, cells in self.rows for cell in cells)


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
