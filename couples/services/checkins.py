"""The weekly check-in: each partner writes their own entry of this week's
check-in, and either may put a topic on the next session's agenda.

"This week" is the writer's own: the Monday of the week their own calendar is
in (``week_start_for``). Entries are written only by their author and only in
the current week's check-in (past ones are for reading); each write locks the
author's entry row, so two devices of one person never put a fourth
appreciation in. Every write asks for the check-in parts to be pushed to both
partners, after commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from realtime import broadcast

from ..access import (
    Space,
    get_checkin_entry_for_member,
    get_own_appreciation,
    next_open_session,
)
from ..domain.checkins import APPRECIATIONS_PART, TOPICS_PART, WENT_WELL_PART, week_start_for
from ..domain.errors import Conflict, Invalid
from ..models import AgendaTopic, Appreciation, CheckIn, CheckInEntry
from ..models.checkins import APPRECIATION_MAX, APPRECIATIONS_MAX, CHECKIN_TOPIC_MAX, WENT_WELL_MAX
from . import therapy


class CheckInError(Invalid):
    pass


class NoSessionPlanned(Conflict):
    """There is no session ahead to put the topic on: nothing changes."""


def _clean(value, *, limit, too_long, required=""):
    """The text, stripped; ``required`` (a whole sentence) when it may not be
    empty, ``too_long`` (a whole sentence with %(limit)d and %(count)d)."""
    value = (value or "").strip()
    if required and not value:
        raise CheckInError(required)
    if len(value) > limit:
        raise CheckInError(too_long % {"limit": limit, "count": len(value)})
    return value


def _my_entry(space: Space) -> CheckInEntry:
    """The person's entry in this week's check-in, created if need be, row-locked."""
    week = week_start_for(space.me)
    checkin, _created = CheckIn.objects.get_or_create(couple=space.couple, week_start=week)
    entry, _created = CheckInEntry.objects.get_or_create(
        checkin=checkin, author=space.me, defaults={"couple": space.couple}
    )
    return CheckInEntry.objects.select_for_update().get(pk=entry.pk)


def _changed(space: Space, part: str) -> None:
    broadcast.part_changed(couple=space.couple, parts=[part])


def add_appreciation(*, space: Space, text: str) -> Appreciation:
    """One more appreciation of the partner, up to three a week."""
    text = _clean(
        text,
        limit=APPRECIATION_MAX,
        required=_("Please write the appreciation."),
        too_long=_("Please keep the appreciation to %(limit)d characters (it has %(count)d)."),
    )
    with transaction.atomic():
        entry = _my_entry(space)
        if entry.appreciations.count() >= APPRECIATIONS_MAX:
            raise CheckInError(
                ngettext(
                    "This week’s check-in holds %(count)d appreciation each. You can take one "
                    "back to make room.",
                    "This week’s check-in holds %(count)d appreciations each. You can take one "
                    "back to make room.",
                    APPRECIATIONS_MAX,
                )
                % {"count": APPRECIATIONS_MAX}
            )
        appreciation = Appreciation.objects.create(entry=entry, text=text)
        entry.updated_at = timezone.now()
        entry.save(update_fields=["updated_at"])
        _changed(space, APPRECIATIONS_PART)
        return appreciation


def remove_appreciation(*, space: Space, appreciation_id: int) -> None:
    """Take back one of one's own appreciations of this week (the author only)."""
    with transaction.atomic():
        appreciation = get_own_appreciation(space, appreciation_id)
        entry = CheckInEntry.objects.select_for_update().get(pk=appreciation.entry_id)
        if entry.checkin.week_start != week_start_for(space.me):
            raise CheckInError(_("Past check-ins stay as they were; they are for reading."))
        appreciation.delete()
        _changed(space, APPRECIATIONS_PART)


def save_went_well(*, space: Space, text: str) -> CheckInEntry:
    """What went well this week, in the person's own words (empty clears it)."""
    text = _clean(
        text,
        limit=WENT_WELL_MAX,
        too_long=_("Please keep what went well to %(limit)d characters (it has %(count)d)."),
    )
    with transaction.atomic():
        entry = _my_entry(space)
        entry.went_well = text
        entry.updated_at = timezone.now()
        entry.save(update_fields=["went_well", "updated_at"])
        _changed(space, WENT_WELL_PART)
        return entry


def save_topic(*, space: Space, text: str) -> CheckInEntry:
    """The person's one topic this week (empty clears it). A new wording is a
    new topic: it is not on an agenda until someone puts it there."""
    text = _clean(
        text,
        limit=CHECKIN_TOPIC_MAX,
        too_long=_("Please keep the topic to %(limit)d characters (it has %(count)d)."),
    )
    with transaction.atomic():
        entry = _my_entry(space)
        if text != entry.topic:
            entry.topic = text
            entry.topic_moved_to = None
            entry.topic_moved_at = None
        entry.updated_at = timezone.now()
        entry.save(update_fields=["topic", "topic_moved_to", "topic_moved_at", "updated_at"])
        _changed(space, TOPICS_PART)
        return entry


def move_topic_to_agenda(*, space: Space, entry_id: int) -> AgendaTopic:
    """Put an entry's topic (either partner's) on the next planned session's
    agenda, as its author's topic. With no session ahead, nothing changes and
    ``NoSessionPlanned`` says so. Moving it again while it is there does nothing."""
    with transaction.atomic():
        entry = get_checkin_entry_for_member(space, entry_id, lock=True)
        if not entry.topic:
            raise CheckInError(_("There is no topic to move yet."))
        if entry.topic_moved_to_id is not None:
            existing = AgendaTopic.objects.filter(pk=entry.topic_moved_to_id).first()
            if existing is not None:
                return existing
        session = next_open_session(space)
        if session is None:
            raise NoSessionPlanned(
                _(
                    "No session is planned yet, so the topic stays here. "
                    "Plan a session, then move it."
                )
            )
        # Written as the topic's author's, so it stays theirs on the agenda too.
        topic = therapy.add_topic(
            space=space.seen_by(entry.author), session_id=session.pk, text=entry.topic
        )
        entry.topic_moved_to = topic
        entry.topic_moved_at = timezone.now()
        entry.save(update_fields=["topic_moved_to", "topic_moved_at"])
        _changed(space, TOPICS_PART)
        return topic
