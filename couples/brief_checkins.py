"""The session brief's check-ins: the couple's weekly check-ins of the
session's period, the same in both copies (they are shared, not private).

The period is the brief's own (``couples.brief.session_period``: from the couple's
previous session to this one; the weeks that overlap it). Built from the viewer's
current space, so a former couple's check-ins never appear.

A section of its own module and include template (``_brief_checkins.html``),
so couples/brief.py only lists the builder.
"""

import datetime

from .access import checkins_in
from .parts.checkins import week_context, with_entries

TEMPLATE = "couples/therapy/_brief_checkins.html"


def checkins_section(request, space, session):
    from .brief import BriefSection, session_period  # the brief lists this builder

    period = session_period(session)
    first, last = period.start, period.end
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
    return BriefSection(
        "checkins", {"weeks": weeks, "first": first, "last": last}, template=TEMPLATE
    )
