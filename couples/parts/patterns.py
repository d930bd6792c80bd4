"""My patterns, as shared: the couple view (issue 14, item 2).

It exists only while BOTH current partners chose to share
(``access.shared_pattern_choices``); then each partner's chosen parts of their
own summary show to both, in the first person and without figures. Otherwise
the part is one empty, hidden element, byte for byte the same whether nobody
or only one of them chose: nobody learns the other's choice before their own.

``summary_of`` is also the sharing page's preview: the very same
``SharedSummary`` rendered by the very same include
(``couples/includes/_pattern_summary.html``), so the preview is exactly what
the partner would see.
"""

from dataclasses import dataclass

from django.utils.functional import lazy

from ..access import Space, pattern_rows, shared_pattern_choices
from ..domain import patterns as words
from ..domain.overlap import overlap
from ..models import PATTERN_PARTS, PatternPart, TimingGrid
from ..models.statements import Reason
from .base import USER, Part

SUMMARY_INCLUDE = "couples/includes/_pattern_summary.html"


@dataclass(frozen=True)
class SharedLine:
    part: str
    title: str
    sentence: str


@dataclass(frozen=True)
class SharedSummary:
    person: object
    lines: tuple


def timing_cells(couple, people) -> dict:
    """``{person_id: cells}`` of the couple's timing weeks (one query)."""
    return dict(
        TimingGrid.objects.filter(couple=couple, author_id__in=[p.pk for p in people]).values_list(
            "author_id", "cells"
        )
    )


def meeting_of(cells: dict, people) -> list:
    """Where the two weeks meet (symmetric: the same for either partner)."""
    first, second = sorted(p.pk for p in people)
    return overlap(cells.get(first), cells.get(second))


def summary_of(couple, person, *, parts, cells: dict, meeting: list) -> SharedSummary:
    """``person``'s own summary, the chosen ``parts`` only, in their voice."""
    chosen = [part for part in PATTERN_PARTS if part in set(parts)]
    if not chosen:
        return SharedSummary(person=person, lines=())
    rows = pattern_rows(couple, person.pk, latest=words.LATEST)
    labels = dict(Reason.choices)
    titles = dict(PatternPart.choices)
    sentences = {
        PatternPart.REASONS: lambda: words.shared_reasons(
            words.reason_lines(rows["not_now_reasons"], labels)
        ),
        PatternPart.WEEK: lambda: words.shared_week(
            rows["latest_not_nows"], cells.get(person.pk), labels
        ),
        PatternPart.RAIN_CHECKS: lambda: words.shared_rain_checks(rows["rain_checks"]),
        PatternPart.ASKS: lambda: words.shared_asks(words.tally(rows["ask_times"]), meeting),
    }
    # Built once for both partners: each sentence is worded when it is shown, in
    # the language of the one reading it.
    lines = tuple(SharedLine(part, titles[part], lazy(sentences[part], str)()) for part in chosen)
    return SharedSummary(person=person, lines=lines)


def load(space: Space) -> dict | None:
    """Both summaries, only when both chose to share; ``None`` otherwise. The
    same rows whichever partner is ``space.me``."""
    choices = shared_pattern_choices(space)
    if choices is None:
        return None
    people = sorted(space.people, key=lambda person: person.pk)
    cells = timing_cells(space.couple, people)
    meeting = meeting_of(cells, people)
    return {
        person.pk: summary_of(
            space.couple, person, parts=choices[person.pk].parts, cells=cells, meeting=meeting
        )
        for person in people
    }


def build(space: Space, rows: dict | None, *, request=None) -> dict:
    """Mine first, then my partner's; nothing at all unless both share."""
    if rows is None:
        return {"shared_patterns": None}
    return {"shared_patterns": [rows[space.me.pk], rows[space.partner.pk]]}


PART = Part("shared-patterns", "couples/sections/shared-patterns.html", build=build, load=load)


def build_mine(space: Space, rows, *, request=None) -> dict:
    """My own card: a way in. It reads nothing, and says nothing of what I
    chose to share (that is on the sharing page), so a choice never changes
    anybody's dashboard until the couple view itself does."""
    return {}


MINE = Part("my-patterns", "couples/sections/my-patterns.html", build=build_mine, scope=USER)
