"""The weekly check-in's week: a person's own Monday-to-Sunday, in their own zone."""

import datetime

from django.utils import timezone

from accounts.timezones import zone_of

# The three live parts of this week's check-in (couples/parts/checkins.py).
APPRECIATIONS_PART = "checkin-appreciations"
WENT_WELL_PART = "checkin-went-well"
TOPICS_PART = "checkin-topics"
CHECKIN_PARTS = (APPRECIATIONS_PART, WENT_WELL_PART, TOPICS_PART)


def week_start_for(person, now=None) -> datetime.date:
    """The Monday of the week ``person`` is in, in their own time zone."""
    today = timezone.localdate(now or timezone.now(), zone_of(person))
    return today - datetime.timedelta(days=today.weekday())


def week_bounds(person, week_start: datetime.date) -> tuple:
    """The week as aware datetimes in ``person``'s zone: [Monday 00:00, next Monday)."""
    zone = zone_of(person)
    start = datetime.datetime.combine(week_start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        week_start + datetime.timedelta(days=7), datetime.time.min, tzinfo=zone
    )
    return start, end
