"""My patterns, without a database: which cell of the week a moment falls in,
the grid picture of my own not-nows or asks, and the sentences that say it.

Everything here is built from the viewer's own rows only. Words come first,
figures second; there are no scores, streaks or rates.

Sentences are translated whole when they are built (at render time, in the
viewer's language): one msgid per sentence with named placeholders, and a time
of the week ("Tuesday evenings") from its own msgids, so a language can put the
day and the part of the day in its own order.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from .moment import PART_HOURS
from .overlap import (
    CELL_HEIGHT,
    CELL_WIDTH,
    DAYS,
    GAP,
    HEADER_HEIGHT,
    LABEL_WIDTH,
    NOT_SAID,
    OVERLAP_LABELS,
    PART_AFTER_DAY,
    PARTS,
    RARELY,
    SOMETIMES,
    USUALLY,
    index,
)

ONCE = gettext_lazy("written for this once")
LATEST = 5  # "4 of your last 5 not-nows"
_PART_KEYS = tuple(PART_HOURS)
_LATE = _PART_KEYS.index("late")
# A time of the week inside a sentence: "Tuesday evening(s)", "el martes / los martes
# por la tarde". Each piece is its own msgid with a context, joined by a msgid too.
_DAY_ONE = (
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Monday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Tuesday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Wednesday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Thursday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Friday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Saturday"),
    pgettext_lazy("one weekday in a sentence (Tuesday evening)", "Sunday"),
)
_DAY_MANY = (
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Monday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Tuesday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Wednesday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Thursday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Friday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Saturday"),
    pgettext_lazy("a weekday, every week, in a sentence (Tuesday evenings)", "Sunday"),
)
_PART_MANY = (
    pgettext_lazy("after a weekday, every week (Tuesday evenings)", "early mornings"),
    pgettext_lazy("after a weekday, every week (Tuesday evenings)", "mornings"),
    pgettext_lazy("after a weekday, every week (Tuesday evenings)", "afternoons"),
    pgettext_lazy("after a weekday, every week (Tuesday evenings)", "evenings"),
    pgettext_lazy("after a weekday, every week (Tuesday evenings)", "late nights"),
)


def cell_of(iso_weekday: int, hour: int) -> tuple[int, int]:
    """(day, part) indexes of a local moment (ISO weekday 1 = Monday, hour 0-23).

    Late night runs past midnight (PART_HOURS), so from midnight until the early
    morning begins a moment belongs to the night before, as a rain check's
    "late night" does."""
    day = iso_weekday - 1
    if hour < PART_HOURS["early"][0]:
        return (day - 1) % len(DAYS), _LATE
    for part, (start, end) in enumerate(PART_HOURS.values()):
        if start <= hour < end:
            return day, part
    return day, _LATE  # not reached: the parts cover 5 a.m. to 1 a.m.


def tally(rows) -> dict:
    """{(day, part): count} from ``(iso_weekday, hour, count)`` rows."""
    counts: dict = {}
    for weekday, hour, count in rows:
        cell = cell_of(weekday, hour)
        counts[cell] = counts.get(cell, 0) + count
    return counts


def cell_name(cell: tuple[int, int], plural: bool = True) -> str:
    """ "Tuesday evenings" (or "Tuesday evening")."""
    day, part = cell
    if plural:
        return pgettext("a time of every week: weekday, part of the day", "%(day)s %(part)s") % {
            "day": _DAY_MANY[day],
            "part": _PART_MANY[part],
        }
    return pgettext("one time of the week: weekday, part of the day", "%(day)s %(part)s") % {
        "day": _DAY_ONE[day],
        "part": PART_AFTER_DAY[part],
    }


@dataclass(frozen=True)
class GridCell:
    day: str
    part: str
    count: int
    shade: int  # 0 (none) to 3 (the most), for the picture's classes
    x: str
    y: str
    cx: str
    cy: str


@dataclass(frozen=True)
class Picture:
    rows: list  # [(day_label, short, y_text, [GridCell])]
    columns: list  # [(part_label, short, x_text)]
    width: int
    height: int
    cell_width: int = CELL_WIDTH
    cell_height: int = CELL_HEIGHT


def picture(counts: dict) -> Picture:
    """The 7 x 5 grid of counts, for the SVG and its equivalent table."""
    most = max(counts.values(), default=0)
    columns = [
        (label, short, str(LABEL_WIDTH + p * (CELL_WIDTH + GAP) + CELL_WIDTH // 2))
        for p, (_k, label, short) in enumerate(PARTS)
    ]
    rows = []
    for d, (_key, day_label, day_short) in enumerate(DAYS):
        y = HEADER_HEIGHT + d * (CELL_HEIGHT + GAP)
        row = []
        for p, (_k, part_label, _s) in enumerate(PARTS):
            count = counts.get((d, p), 0)
            shade = 0 if not count else max(1, -(-3 * count // most))
            x = LABEL_WIDTH + p * (CELL_WIDTH + GAP)
            row.append(
                GridCell(
                    day_label,
                    part_label,
                    count,
                    shade,
                    x=str(x),
                    y=str(y),
                    cx=str(x + CELL_WIDTH // 2),
                    cy=str(y + CELL_HEIGHT // 2),
                )
            )
        rows.append((day_label, day_short, str(y + CELL_HEIGHT // 2), row))
    width = LABEL_WIDTH + len(PARTS) * (CELL_WIDTH + GAP) - GAP
    height = HEADER_HEIGHT + len(DAYS) * (CELL_HEIGHT + GAP) - GAP
    return Picture(rows=rows, columns=columns, width=width, height=height)


def reason_lines(by_reason: dict, labels: dict) -> list:
    """[(label, count)], most first; a card not from a statement is "written
    for this once" (its words are never shown here, only counted)."""
    lines = [(labels.get(key, ONCE) if key else ONCE, count) for key, count in by_reason.items()]
    merged: dict = {}
    for label, count in lines:
        merged[label] = merged.get(label, 0) + count
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))


def _week_finding(latest: list, my_cells: str | None, labels: dict):
    """(cell, my level there, how many of the latest fall there, the reason
    that repeats among them or None), when more than half (and at least two)
    of my latest not-nows fall in one cell of the week; None otherwise."""
    if len(latest) < 2:
        return None
    cells: dict = {}
    for weekday, hour, reason in latest:
        cells.setdefault(cell_of(weekday, hour), []).append(reason)
    cell, reasons = max(cells.items(), key=lambda item: len(item[1]))
    if len(reasons) < 2 or 2 * len(reasons) <= len(latest):
        return None
    level = (my_cells or NOT_SAID * 35)[index(*cell)]
    keys = [reason or "" for reason in reasons]
    top = max(set(keys), key=keys.count)
    repeated = None
    if keys.count(top) >= 2:
        repeated = labels.get(top, ONCE).lower() if top else ONCE
    return cell, level, len(reasons), repeated


def week_sentence(latest: list, my_cells: str | None, labels: dict) -> str:
    """ "You marked Tuesday evenings usually open; 4 of your last 5 not-nows
    were on Tuesday evenings — most often: tired." Only when most of my latest
    not-nows fall in one cell of the week; "" otherwise.

    ``latest`` is [(iso_weekday, hour, reason_key)], newest first."""
    finding = _week_finding(latest, my_cells, labels)
    if finding is None:
        return ""
    cell, level, count, repeated = finding
    name = cell_name(cell)
    marked = {
        NOT_SAID: _("You have not marked %(when)s in your week yet"),
        USUALLY: _("You marked %(when)s usually open"),
        SOMETIMES: _("You marked %(when)s sometimes open"),
        RARELY: _("You marked %(when)s rarely open"),
    }[level] % {"when": name}
    values = {"marked": marked, "count": count, "total": len(latest), "when": name}
    if repeated:
        values["reason"] = repeated
        return (
            ngettext(
                "%(marked)s; %(count)d of your last %(total)d not-now was on %(when)s"
                " — most often: %(reason)s.",
                "%(marked)s; %(count)d of your last %(total)d not-nows were on %(when)s"
                " — most often: %(reason)s.",
                len(latest),
            )
            % values
        )
    return (
        ngettext(
            "%(marked)s; %(count)d of your last %(total)d not-now was on %(when)s.",
            "%(marked)s; %(count)d of your last %(total)d not-nows were on %(when)s.",
            len(latest),
        )
        % values
    )


def rain_check_sentence(by_state: dict) -> str:
    offered = sum(by_state.values())
    if not offered:
        return ""
    redeemed = by_state.get("redeemed", 0)
    waiting = by_state.get("open", 0)
    values = {"offered": offered, "redeemed": redeemed, "waiting": waiting}
    if redeemed and waiting:
        message = ngettext(
            "You offered %(offered)d rain check and redeemed %(redeemed)d of them; "
            "%(waiting)d still open, yours to redeem.",
            "You offered %(offered)d rain checks and redeemed %(redeemed)d of them; "
            "%(waiting)d still open, yours to redeem.",
            offered,
        )
    elif redeemed:
        message = ngettext(
            "You offered %(offered)d rain check and redeemed %(redeemed)d of them.",
            "You offered %(offered)d rain checks and redeemed %(redeemed)d of them.",
            offered,
        )
    elif waiting:
        message = ngettext(
            "You offered %(offered)d rain check; none redeemed yet; "
            "%(waiting)d still open, yours to redeem.",
            "You offered %(offered)d rain checks; none redeemed yet; "
            "%(waiting)d still open, yours to redeem.",
            offered,
        )
    else:
        message = ngettext(
            "You offered %(offered)d rain check; none redeemed yet.",
            "You offered %(offered)d rain checks; none redeemed yet.",
            offered,
        )
    return message % values


def asks_sentence(counts: dict, meeting: list) -> str:
    """ "Most of your asks fall on Sunday evenings (6 of 10); where your weeks
    meet, that is: not a likely time." ``meeting`` is the 35 overlap levels.
    Nothing about any answer: this is only when I ask."""
    total = sum(counts.values())
    if total < 2:
        return ""
    cell, count = max(counts.items(), key=lambda item: (item[1], -index(*item[0])))
    if count < 2:
        return ""
    where = OVERLAP_LABELS[meeting[index(*cell)]].lower()
    return _(
        "Most of your asks fall on %(when)s (%(count)d of %(total)d); "
        "where your weeks meet, that is: %(where)s."
    ) % {"when": cell_name(cell), "count": count, "total": total, "where": where}


def best_times(meeting: list) -> list:
    """The cells where both weeks meet best ("strong", else "good")."""
    for level in ("strong", "good"):
        cells = [
            cell_name((d, p), plural=False)
            for d in range(len(DAYS))
            for p in range(len(PARTS))
            if meeting[index(d, p)] == level
        ]
        if cells:
            return cells
    return []


# --- How those moments felt: from my own journal only ------------------------------

JOURNAL_LATEST = 200  # reflections read for it (encrypted: counted in Python)


def _most(values, labels=None, top=3) -> list:
    """The most frequent values, most first (case-insensitive; ``values``
    come newest first, so a tie goes to the most recent, and the latest
    spelling is kept)."""
    counts: dict = {}
    spelling: dict = {}
    for value in values:
        key = value.casefold()
        spelling.setdefault(key, labels.get(value, value) if labels else value)
        counts[key] = counts.get(key, 0) + 1
    order = list(counts)
    ranked = sorted(order, key=lambda key: (-counts[key], order.index(key)))
    return [spelling[key] for key in ranked[:top]]


def journal_feelings(rows, needs: dict, stories: dict) -> dict:
    """From my own reflections' ``(need, old_story, tags)``: the needs, old
    stories and tags I named most often (words, no figures)."""
    tags = [
        tag for *_rest, text in rows for tag in (t.strip() for t in (text or "").split(",")) if tag
    ]
    return {
        "needs": _most([need for need, _s, _t in rows if need], needs),
        "stories": _most([story for _n, story, _t in rows if story], stories),
        "tags": _most(tags),
        "count": len(rows),
    }


# --- What I share, in my own voice (issue 14, item 2) ------------------------------
# The couple view and its preview say the same things in the first person and
# without figures: no count of anyone's not-nows ever reaches the partner, even
# when shared (a tally is scorekeeping); only the words of the pattern.

NOTHING_YET = gettext_lazy("Nothing to tell yet.")


def shared_reasons(reason_lines: list) -> str:
    """ "When I say not now, it is most often because: tired; then stressed." """
    if not reason_lines:
        return NOTHING_YET
    labels = [label.lower() for label, _count in reason_lines[:3]]
    if len(labels) > 1:
        return _("When I say not now, it is most often because: %(first)s; then %(others)s.") % {
            "first": labels[0],
            "others": pgettext("between reasons in a list", ", ").join(labels[1:]),
        }
    return _("When I say not now, it is most often because: %(first)s.") % {"first": labels[0]}


def shared_week(latest: list, my_cells: str | None, labels: dict) -> str:
    """ "Most of my recent not-nows fell on Tuesday evenings, which I marked
    usually open — most often: tired." """
    finding = _week_finding(latest, my_cells, labels)
    if finding is None:
        if len(latest) < 2:
            return NOTHING_YET
        return _("My recent not-nows do not gather on one time of the week.")
    cell, level, _count, repeated = finding
    values = {
        "when": cell_name(cell),
        "where": {
            NOT_SAID: _("which I have not marked in my week"),
            USUALLY: _("which I marked usually open"),
            SOMETIMES: _("which I marked sometimes open"),
            RARELY: _("which I marked rarely open"),
        }[level],
        "reason": repeated,
    }
    if repeated:
        return (
            _("Most of my recent not-nows fell on %(when)s, %(where)s — most often: %(reason)s.")
            % values
        )
    return _("Most of my recent not-nows fell on %(when)s, %(where)s.") % values


def shared_rain_checks(by_state: dict) -> str:
    """Words, not figures: none, some, most or all of them redeemed."""
    offered = sum(by_state.values())
    if not offered:
        return _("I have not offered a rain check yet.")
    redeemed = by_state.get("redeemed", 0)
    if not redeemed:
        share = "none"
    elif redeemed == offered:
        share = "all"
    elif 2 * redeemed > offered:
        share = "most"
    else:
        share = "some"
    if by_state.get("open"):
        return {
            "none": _(
                "Of the rain checks I offered, I have redeemed none yet; "
                "some are still open, mine to redeem."
            ),
            "all": _(
                "Of the rain checks I offered, I have redeemed all; "
                "some are still open, mine to redeem."
            ),
            "most": _(
                "Of the rain checks I offered, I have redeemed most; "
                "some are still open, mine to redeem."
            ),
            "some": _(
                "Of the rain checks I offered, I have redeemed some; "
                "some are still open, mine to redeem."
            ),
        }[share]
    return {
        "none": _("Of the rain checks I offered, I have redeemed none yet."),
        "all": _("Of the rain checks I offered, I have redeemed all."),
        "most": _("Of the rain checks I offered, I have redeemed most."),
        "some": _("Of the rain checks I offered, I have redeemed some."),
    }[share]


def shared_asks(counts: dict, meeting: list) -> str:
    """ "I ask most often on Sunday evenings; where our weeks meet, that is:
    not a likely time." Nothing about any answer."""
    if not counts:
        return _("I have not asked yet.")
    cell, count = max(counts.items(), key=lambda item: (item[1], -index(*item[0])))
    if count < 2:
        return _("My asks do not gather on one time of the week.")
    where = OVERLAP_LABELS[meeting[index(*cell)]].lower()
    return _("I ask most often on %(when)s; where our weeks meet, that is: %(where)s.") % {
        "when": cell_name(cell),
        "where": where,
    }
