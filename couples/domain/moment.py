"""The moment itself, without a database: when an ask's window ends, which
slots are where our weeks meet, and the words the product offers.

Times are local (the active time zone). A part of the day is a span of hours,
the same five parts as the timing week; "late night" runs past midnight.
"""

import datetime
from dataclasses import dataclass

from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy, pgettext

from .overlap import DAYS, GOOD, PART_AFTER_DAY, PARTS, STRONG, index, overlap

# (start hour, end hour) of each part of the day; an end of 25 is 1 a.m. the next day.
PART_HOURS = {
    "early": (5, 8),
    "morning": (8, 12),
    "afternoon": (12, 17),
    "evening": (17, 21),
    "late": (21, 25),
}
PART_NAMES = {key: name for key, name, _short in PARTS}
# A slot's name, whole for each part of the day (a translation may word each its own way).
_THIS = {
    "early": gettext_lazy("This early morning"),
    "morning": gettext_lazy("This morning"),
    "afternoon": gettext_lazy("This afternoon"),
}
_TOMORROW = {
    "early": gettext_lazy("Tomorrow early morning"),
    "morning": gettext_lazy("Tomorrow morning"),
    "afternoon": gettext_lazy("Tomorrow afternoon"),
    "evening": gettext_lazy("Tomorrow evening"),
    "late": gettext_lazy("Tomorrow late night"),
}
PART_KEYS = tuple(PART_HOURS)

NOW_HOURS = 2  # an ask "for now" stays open this long
TONIGHT_ENDS_HOUR = 4  # "tonight" ends at 4 a.m.
SLOT_DAYS_AHEAD = 14  # a day and part of day up to two weeks ahead

NOW, TONIGHT, SLOT = "now", "tonight", "slot"


@dataclass(frozen=True, order=True)
class Slot:
    """A day and a part of it."""

    day: datetime.date
    part: str

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}:{self.part}"

    @classmethod
    def parse(cls, key: str) -> "Slot | None":
        day, _, part = (key or "").partition(":")
        if part not in PART_HOURS:
            return None
        try:
            return cls(datetime.date.fromisoformat(day), part)
        except ValueError:
            return None

    def label(self, today: datetime.date | None = None) -> str:
        """ "Saturday morning", "Tomorrow evening", "Tonight" (late today)."""
        if today is not None and self.day == today:
            if self.part in {"evening", "late"}:
                return pgettext("a slot: late today", "Tonight")
            return str(_THIS[self.part])
        if today is not None and self.day == today + datetime.timedelta(days=1):
            return str(_TOMORROW[self.part])
        values = {
            "weekday": DAYS[self.day.weekday()][1],
            "part": PART_AFTER_DAY[PART_KEYS.index(self.part)],
        }
        if today is not None and (self.day - today).days < 7:
            return pgettext("a slot in the coming week", "%(weekday)s %(part)s") % values
        values.update(day=self.day.day, month=MONTHS[self.day.month])
        return pgettext("a slot further ahead", "%(weekday)s %(day)s %(month)s, %(part)s") % values

    def starts(self, tz) -> datetime.datetime:
        start, _end = PART_HOURS[self.part]
        return _at(self.day, start, tz)

    def ends(self, tz) -> datetime.datetime:
        _start, end = PART_HOURS[self.part]
        return _at(self.day, end, tz)


def _at(day: datetime.date, hour: int, tz) -> datetime.datetime:
    extra, hour = divmod(hour, 24)
    moment = datetime.datetime.combine(day + datetime.timedelta(days=extra), datetime.time(hour))
    return moment.replace(tzinfo=tz)


def window_end(when: str, now: datetime.datetime, slot: Slot | None = None) -> datetime.datetime:
    """When an ask made at ``now`` (aware, local) for ``when`` ends, quietly."""
    if when == NOW:
        return now + datetime.timedelta(hours=NOW_HOURS)
    if when == TONIGHT:
        end = _at(now.date(), TONIGHT_ENDS_HOUR, now.tzinfo)
        if end <= now + datetime.timedelta(hours=1):
            end += datetime.timedelta(days=1)
        return end
    if when == SLOT and slot is not None:
        return slot.ends(now.tzinfo)
    raise ValueError(f"unknown window {when!r}")


def slot_is_ahead(slot: Slot, now: datetime.datetime) -> bool:
    """Not over yet, and not further ahead than an ask may look."""
    return slot.ends(now.tzinfo) > now and (slot.day - now.date()).days <= SLOT_DAYS_AHEAD


def meeting_slots(cells_a, cells_b, now: datetime.datetime, count: int = 3) -> list[Slot]:
    """The next ``count`` slots, from now on, where both weeks say usually or
    often open (strongest first within a day is not needed: in time order)."""
    levels = overlap(cells_a, cells_b)
    found = []
    for offset in range(8):
        day = now.date() + datetime.timedelta(days=offset)
        for part_index, part in enumerate(PART_KEYS):
            slot = Slot(day, part)
            if slot.ends(now.tzinfo) <= now:
                continue
            if levels[index(day.weekday(), part_index)] in {STRONG, GOOD}:
                found.append(slot)
                if len(found) == count:
                    return found
    return found


def upcoming_slots(now: datetime.datetime, days: int = 7) -> list[Slot]:
    """Every slot still ahead in the next ``days`` days (a plain choice list)."""
    slots = []
    for offset in range(days):
        day = now.date() + datetime.timedelta(days=offset)
        slots.extend(
            Slot(day, part) for part in PART_KEYS if Slot(day, part).ends(now.tzinfo) > now
        )
    return slots


# --- words -------------------------------------------------------------------------

# Ways to ask that leave the other free (shown as examples; nothing is sent unless typed).
ASK_STARTERS = (
    gettext_lazy("I’d love to be close to you. No pressure at all."),
    gettext_lazy("Would you like some time together tonight? A no is completely fine."),
    gettext_lazy("I’m missing you. If you’re up for it, I’d love that; if not, that’s okay."),
)
ACKNOWLEDGEMENT = gettext_lazy("Thank you for asking — I love that you want me.")
COME_TO_YOU_LABEL = gettext_lazy("I’ll come to you")
# The topic put on the agenda when "let's talk about it" comes with no words.
TALK_TOPIC = gettext_lazy("How we ask, and how we say not now")
