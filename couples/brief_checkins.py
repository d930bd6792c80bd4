"""The session brief's check-ins: the couple's weekly check-ins of the
session's period, the same in both copies (they are shared, not private).

The period runs from the couple's previous session to this one (the weeks that
overlap it); before a first session, the four weeks before it. Built from the
viewer's current space, so a former couple's check-ins never appear.

A section of its own module and include template (``_brief_checkins.html``),
so couples/brief.py only lists the builder.
"""

import datetime
from dataclasses import dataclass, field

from .access import checkins_in
from .models import TherapySession
from .parts.checkins import week_context, with_entries

TEMPLATE = "couples/therapy/_brief_checkins.html"
# Before a first session: this many weeks before it.
FIRST_SESSION_WEEKS = 4


@dataclass(frozen=True)
class IncludedSection:
    """A brief section drawn by its own include template (same shape as
    ``couples.brief.BriefSection``: ``name``, ``context``, ``partial``)."""

    name: str
    context: dict = field(default_factory=dict)
    partial: str = TEMPLATE


def period_of(space, session) -> tuple:
    """``(first day, last day)`` of the session's period."""
    previous = (
        TherapySession.objects.for_couple(space.couple)
        .filter(planned_for__lt=session.planned_for)
        .order_by("-planned_for", "-pk")
        .first()
    )
    if previous is not None:
        return previous.planned_for + datetime.timedelta(days=1), session.planned_for
    return (
        session.planned_for - datetime.timedelta(weeks=FIRST_SESSION_WEEKS),
        session.planned_for,
    )


def checkins_section(request, space, session):
    first, last = period_of(space, session)
    # Every week that overlaps the period (a week runs Monday to Sunday).
    checkins = with_entries(
        checkins_in(space)
        .filter(
            week_start__gt=first - datetime.timedelta(days=7),
            week_start__lte=last,
            entries__isnull=False,
        )
        .distinct()
        .order_by("week_start", "pk")
    )
    weeks = [week_context(space, checkin, checkin.week_start) for checkin in checkins]
    return IncludedSection("checkins", {"weeks": weeks, "first": first, "last": last})
