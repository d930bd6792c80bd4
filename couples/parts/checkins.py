"""This week's check-in, live: three parts, in the order of the conversation
(appreciations, what went well, one topic each), so a push to one step never
touches what a partner is typing in another.

The rows are the same for either partner: the check-ins of both partners'
current weeks (the same week, unless they live in time zones on different
sides of Monday midnight), with both entries; ``build`` picks the viewer's week.
"""

from django.db.models import Prefetch

from ..access import Space, checkins_in, next_open_session
from ..domain.checkins import APPRECIATIONS_PART, TOPICS_PART, WENT_WELL_PART, week_start_for
from ..models import Appreciation, CheckInEntry
from ..models.checkins import APPRECIATIONS_MAX
from .base import Part

TEMPLATE = "couples/checkin.html"


def entries_of(checkin) -> dict:
    """``{author_id: entry}`` of a check-in loaded with ``with_entries``."""
    if checkin is None:
        return {}
    return {entry.author_id: entry for entry in checkin.entries.all()}


def with_entries(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "entries",
            queryset=CheckInEntry.objects.select_related(
                "topic_moved_to__session"
            ).prefetch_related(
                Prefetch(
                    "appreciations", queryset=Appreciation.objects.order_by("created_at", "pk")
                )
            ),
        )
    )


def load(space: Space) -> dict:
    weeks = {person.pk: week_start_for(person) for person in space.people}
    checkins = {
        checkin.week_start: checkin
        for checkin in with_entries(checkins_in(space).filter(week_start__in=set(weeks.values())))
    }
    # The next session from each partner's own today (where a topic would go).
    next_sessions = {person.pk: next_open_session(space.seen_by(person)) for person in space.people}
    return {"weeks": weeks, "checkins": checkins, "next_sessions": next_sessions}


def week_context(space: Space, checkin, week) -> dict:
    """Both partners' entries of one check-in, the viewer's first."""
    entries = entries_of(checkin)
    mine, partners = entries.get(space.me.pk), entries.get(space.partner.pk)
    return {
        "week": week,
        "checkin": checkin,
        "my_entry": mine,
        "partner_entry": partners,
        "people": [
            {"person": space.me, "entry": mine, "mine": True},
            {"person": space.partner, "entry": partners, "mine": False},
        ],
        "my_appreciations": len(mine.appreciations.all()) if mine else 0,
        "appreciations_max": APPRECIATIONS_MAX,
        "editable": False,
    }


def build(space: Space, rows: dict, *, request=None) -> dict:
    week = rows["weeks"][space.me.pk]
    # This week's: the viewer writes here (past weeks are for reading).
    return {**week_context(space, rows["checkins"].get(week), week), "editable": True}


def build_topics(space: Space, rows: dict, *, request=None) -> dict:
    context = build(space, rows)
    context["next_session"] = rows["next_sessions"][space.me.pk]
    return context


APPRECIATIONS = Part(APPRECIATIONS_PART, TEMPLATE, build=build, load=load)
WENT_WELL = Part(WENT_WELL_PART, TEMPLATE, build=build, load=load)
TOPICS = Part(TOPICS_PART, TEMPLATE, build=build_topics, load=load)
