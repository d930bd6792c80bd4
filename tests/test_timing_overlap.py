"""The overlap of two week grids: pure, symmetric, and never optimistic."""

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from couples.domain import overlap
from couples.domain.overlap import (
    CELLS,
    GOOD,
    LOW,
    NOT_SAID,
    POSSIBLE,
    RARELY,
    SOMETIMES,
    STRONG,
    UNMARKED,
    USUALLY,
    WAITING,
)

levels = st.sampled_from(list(overlap.LEVELS))
grids = st.text(alphabet="usr-", min_size=CELLS, max_size=CELLS)
maybe_grids = st.one_of(st.none(), grids)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (USUALLY, USUALLY, STRONG),
        (USUALLY, SOMETIMES, GOOD),
        (SOMETIMES, SOMETIMES, POSSIBLE),
        (USUALLY, RARELY, LOW),
        (RARELY, RARELY, LOW),
        (RARELY, NOT_SAID, WAITING),
        (SOMETIMES, NOT_SAID, WAITING),
        (USUALLY, NOT_SAID, WAITING),
        (NOT_SAID, NOT_SAID, UNMARKED),
    ],
)
def test_overlap_level_table(a, b, expected):
    assert overlap.overlap_level(a, b) == expected
    assert overlap.overlap_level(b, a) == expected


@given(levels, levels)
def test_overlap_is_symmetric_per_cell(a, b):
    assert overlap.overlap_level(a, b) == overlap.overlap_level(b, a)


@given(maybe_grids, maybe_grids)
def test_overlap_of_grids_is_symmetric(a, b):
    assert overlap.overlap(a, b) == overlap.overlap(b, a)
    assert overlap.heatmap(a, b) == overlap.heatmap(b, a)


@given(levels, levels)
def test_absence_of_an_answer_is_never_a_window(a, b):
    if NOT_SAID in (a, b):
        assert overlap.overlap_level(a, b) not in {STRONG, GOOD, POSSIBLE}


@given(levels, levels)
def test_either_rarely_makes_a_time_unlikely_once_both_have_marked_it(a, b):
    if RARELY in (a, b) and NOT_SAID not in (a, b):
        assert overlap.overlap_level(a, b) == LOW


marked_levels = st.sampled_from([USUALLY, SOMETIMES, RARELY])


@given(marked_levels, marked_levels, marked_levels)
def test_more_openness_never_makes_the_overlap_weaker(a, b, better):
    order = [LOW, POSSIBLE, GOOD, STRONG]
    rank = {RARELY: 0, SOMETIMES: 1, USUALLY: 2}
    if rank[better] >= rank[a]:
        before = order.index(overlap.overlap_level(a, b))
        after = order.index(overlap.overlap_level(better, b))
        assert after >= before


@given(levels, levels)
def test_a_time_marked_by_one_only_waits_and_never_tells_what_that_mark_is(a, b):
    # "Waiting" exactly when one of the two has marked the time, and the same
    # whatever that one mark says: a lone "rarely" looks like a lone "usually".
    marked = (a != NOT_SAID) + (b != NOT_SAID)
    assert (overlap.overlap_level(a, b) == WAITING) == (marked == 1)
    if marked == 1:
        assert {overlap.overlap_level(x, NOT_SAID) for x in (USUALLY, SOMETIMES, RARELY)} == {
            WAITING
        }


def test_unfilled_grids_are_all_unmarked_and_one_grid_alone_waits():
    assert set(overlap.overlap(None, None)) == {UNMARKED}
    assert set(overlap.overlap("u" * CELLS, None)) == {WAITING}
    assert set(overlap.overlap("r" * CELLS, None)) == {WAITING}


def test_the_legend_explains_waiting_and_unmarked_apart():
    keys = [key for key, _label, _glyph, _paint in overlap.legend()]
    assert WAITING in keys and UNMARKED in keys
    labels = dict((key, label) for key, label, _g, _p in overlap.legend())
    assert labels[WAITING] == "Waiting for both marks" and labels[UNMARKED] == "Not marked yet"
    assert "?" not in overlap.OVERLAP_GLYPHS.values()


def test_cell_layout_is_day_by_day_monday_first():
    cells = list(overlap.EMPTY_GRID)
    cells[overlap.index(6, 4)] = USUALLY  # Sunday, late night
    rows = overlap.grid_rows("".join(cells))
    assert rows[6][0] == "Sunday"
    assert rows[6][2][4].part == "Late night" and rows[6][2][4].key == USUALLY
    assert sum(cell.key == USUALLY for _day, _short, row in rows for cell in row) == 1


@pytest.mark.parametrize("bad", ["", "u" * 34, "u" * 36, "x" * CELLS, None, 35])
def test_malformed_grids_are_not_valid(bad):
    assert not overlap.is_valid_grid(bad)


def _render_overlap(a, b):
    from couples.parts.timing import TimingView

    view = TimingView(
        heatmap=overlap.heatmap(a, b),
        legend=overlap.legend(),
        mine=None,
        my_rows=[],
        my_week=overlap.week_rows(a),
        partner_notes="",
    )
    html = render_to_string("couples/sections/timing.html#timing", {"timing": view})
    start = html.index('<figure class="timing-overlap"')
    return html[start : html.index("</figure>", start)]


@settings(deadline=None, max_examples=30)  # template rendering on a busy shared machine
@given(grids, grids)
def test_rendered_overlap_picture_is_the_same_whichever_partner_comes_first(a, b):
    assert _render_overlap(a, b) == _render_overlap(b, a)


def test_svg_is_drawn_with_classes_not_inline_styles():
    html = _render_overlap("u" * CELLS, "us" * 17 + "r")
    assert "<svg" in html and "style=" not in html and "<script" not in html
    svg = html[html.index('<svg class="heatmap"') : html.index("</svg>")]
    assert svg.count('<g class="hm-cell hm-') == CELLS
    assert "hm-strong" in html and "hm-good" in html and "hm-low" in html
    # The accessible twin: the same in words, a labelled list of the marked
    # days and times (issue 15: not a table repeating "not marked by both yet").
    assert '<dl aria-labelledby="overlap-days-h">' in html and 'id="overlap-days-h"' in html
