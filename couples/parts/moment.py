"""The moment, on the dashboard: my open ask, my partner's ask to answer, the
answer I received (a decline card in my partner's own words), my partner's
reply to my answer, our open rain checks, and the gentle ask form.

Built from the same rows for both partners (``access.moment_rows``); each sees
only what is theirs to see: the asker never sees a count, list or history of
declines (only the latest answer, until they put it away), the decliner's
private note about their own rain check shows only to them.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.timezones import same_clock, zone_of

from ..access import Space, agreed_activities, moment_rows
from ..domain import moment as words
from ..domain.moment import Slot, meeting_slots, upcoming_slots
from ..forms.moment import AskForm
from ..models import Ask, AskAnswer, AskFor, RainCheck, TimingGrid
from .base import Part

TEMPLATE = "couples/sections/moment.html"


@dataclass(frozen=True)
class SlotChoice:
    key: str
    label: str
    meets: bool  # where our weeks meet


@dataclass
class RainCheckView:
    item: RainCheck
    label: str
    mine: bool
    due: bool  # its time has come (the owner's private note, if they asked for one)
    urls: dict = field(default_factory=dict)


def load(space: Space) -> dict:
    now = timezone.now()  # an instant: each viewer's days and parts come in ``build``
    rows = moment_rows(space, now)
    rows["grids"] = dict(
        TimingGrid.objects.filter(
            couple=space.couple, author_id__in=[p.pk for p in space.people]
        ).values_list("author_id", "cells")
    )
    rows["agreed"] = agreed_activities(space)
    rows["now"] = now
    return rows


# --- whose clock -----------------------------------------------------------------------
# A day and part of day (an ask's slot, a rain check) is on the wall clock of
# the one who chose it: "Saturday morning" is the asker's, or the rain check's
# owner's. The partner sees it labelled as theirs when the two clocks differ.


def _person(space: Space, person_id):
    return space.me if person_id == space.me.pk else space.partner


def their_today(space: Space, person_id, now=None):
    """``person_id``'s own today (one of the two in ``space``)."""
    return timezone.localtime(now or timezone.now(), zone_of(_person(space, person_id))).date()


def their_time(space: Space, person_id, now=None) -> str:
    """ " (Sam’s time)" after a time on my partner's clock when theirs is not mine."""
    if person_id == space.me.pk or same_clock(zone_of(space.me), zone_of(space.partner), now):
        return ""
    return " " + _("(%(name)s’s time)") % {"name": space.partner.display_name}


def when_label(ask: Ask, today, whose: str = "") -> str:
    if ask.when == "now":
        return pgettext("an ask's time: would love closeness, now", "now")
    if ask.when == "tonight":
        return pgettext("an ask's time: would love closeness, tonight", "tonight") + whose
    if ask.day and ask.part_of_day:
        return Slot(ask.day, ask.part_of_day).label(today).lower() + whose
    return ""


def what_label(ask: Ask) -> str:
    if ask.kind == AskFor.ALTERNATIVE:
        if ask.activity:
            return str(ask.activity.display_name).lower()
        return pgettext("what an ask is for: would love …", "one of our ways to be close")
    if ask.kind == AskFor.CLOSENESS:
        return pgettext("what an ask is for: would love …", "closeness")
    if ask.kind == AskFor.SEX:
        return pgettext("what an ask is for: would love …", "sex")
    return ""


def rain_check_label(item: RainCheck, today, whose: str = "") -> str:
    if item.day is None:
        return str(words.COME_TO_YOU_LABEL)
    return Slot(item.day, item.part_of_day).label(today) + whose


def my_meeting_slots(space: Space, rows: dict, now) -> list[Slot]:
    """Where our weeks meet next, on my own clock (``now``: mine). Each week is
    its owner's wall-clock week (docs/decisions.md, "Time zones"), so the slot I
    ask for is a day and part of my own day."""
    first, second = (rows["grids"].get(person.pk) for person in space.people)
    return meeting_slots(first, second, now)


def my_slot_choices(space: Space, rows: dict) -> list[SlotChoice]:
    now = timezone.localtime(rows["now"], zone_of(space.me))
    return slot_choices(my_meeting_slots(space, rows, now), now)


def slot_choices(meeting: list, now) -> list[SlotChoice]:
    """Where our weeks meet first, then every other slot of the coming week."""
    meets = {slot.key for slot in meeting}
    today = now.date()
    choices = [SlotChoice(slot.key, slot.label(today), True) for slot in meeting]
    choices += [
        SlotChoice(slot.key, slot.label(today), False)
        for slot in upcoming_slots(now)
        if slot.key not in meets
    ]
    return choices


@dataclass
class AskView:
    item: Ask
    what: str
    when: str
    answer: AskAnswer | None
    urls: dict
    rain_check: str = ""  # the rain check offered with the answer, while open


def ask_view(item: Ask | None, space: Space, now=None, rain_checks=()) -> AskView | None:
    """One ask as ``space.me`` sees it: its time on the asker's clock, the rain
    check offered with its answer on its owner's."""
    if item is None:
        return None
    answer = getattr(item, "answer", None) if item.state == Ask.ANSWERED else None
    offered = next(
        (c for c in rain_checks if answer is not None and c.answer_id == answer.pk), None
    )
    pk = item.pk
    asker = item.asker_id
    return AskView(
        item=item,
        what=what_label(item),
        when=when_label(item, their_today(space, asker, now), their_time(space, asker, now)),
        answer=answer,
        rain_check=(
            rain_check_label(
                offered,
                their_today(space, offered.owner_id, now),
                their_time(space, offered.owner_id, now),
            )
            if offered
            else ""
        ),
        urls={
            "withdraw": reverse("moment_withdraw", args=[pk]),
            "answer": reverse("moment_answer", args=[pk]),
            "decline": reverse("moment_decline", args=[pk]),
            "reply": reverse("moment_reply", args=[pk]),
            "put_away": reverse("moment_put_away", args=[pk]),
        },
    )


def build(space: Space, rows: dict, *, request=None, ask_form=None, error: str = "") -> dict:
    me, partner = space.me.pk, space.partner.pk
    now = timezone.localtime(rows["now"], zone_of(space.me))  # my own clock
    received = rows["answered"].get(me)  # my ask, answered by my partner
    if received is not None and getattr(received, "answer", None) is None:
        received = None  # nothing to show (the answer's author deleted their account)
    given = rows["replied"].get(partner)  # their ask, answered by me, with their reply
    reply_for_me = None
    if given is not None and given.reply:
        answer = getattr(given, "answer", None)
        if answer is not None and answer.author_id == me and answer.author_done_at is None:
            reply_for_me = given
    rain_checks = []
    for item in rows["rain_checks"]:
        mine = item.owner_id == me
        due = bool(
            mine
            and item.note_for_me
            and item.day is not None
            and Slot(item.day, item.part_of_day).starts(now.tzinfo) <= now
        )
        owner_today = their_today(space, item.owner_id, now)
        label = rain_check_label(item, owner_today, their_time(space, item.owner_id, now))
        view = RainCheckView(item, label, mine, due)
        if mine:
            view.urls = {
                "redeem": reverse("moment_rain_check_redeem", args=[item.pk]),
                "move": reverse("moment_rain_check_move", args=[item.pk]),
                "let_go": reverse("moment_rain_check_let_go", args=[item.pk]),
            }
        rain_checks.append(view)
    meeting = my_meeting_slots(space, rows, now)
    slots = slot_choices(meeting, now)
    mine_open = rows["open"].get(me)
    if ask_form is None and mine_open is None:
        ask_form = AskForm(agreed=rows["agreed"], slots=slots)
    return {
        "moment": {
            "mine_open": ask_view(mine_open, space, now),
            "theirs_open": ask_view(rows["open"].get(partner), space, now),
            "received": ask_view(received, space, now, rows["rain_checks"]),
            "reply_for_me": ask_view(reply_for_me, space, now),
            "rain_checks": rain_checks,
            "agreed": rows["agreed"],
            "meeting": meeting and slots[: len(meeting)],
            "starters": words.ASK_STARTERS,
            "ask_form": ask_form,
            "error": error,
            "kinds": AskFor,
            "answers": AskAnswer,
            "asks": Ask,
        },
    }


PART = Part("moment", TEMPLATE, build=build, load=load)
