"""Each person's own time zone (docs/decisions.md, "Time zones").

A person's ``time_zone`` is an IANA name (``Pacific/Auckland``), detected in the
browser at signup (static/js/timezone.js) and changeable on the profile page;
without JavaScript, or with a name this server does not know, it is the
server's ``TIME_ZONE``. ``TimeZoneMiddleware`` activates the signed-in
person's zone for every request, so templates, forms, ``timezone.localdate()``
and ``timezone.localtime()`` all speak it. Anything rendered outside a request
for someone (a live frame for each member, a mail, a task) wraps the render in
``in_zone_of(person)``.
"""

import datetime
import functools
from collections import defaultdict
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The areas of the IANA database a person lives in; the rest (Etc/GMT+5, US/Pacific,
# "Universal", …) are aliases and legacy names, still accepted, never offered.
AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# The areas as a person reads them (the optgroups of the profile's select).
AREA_LABELS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": pgettext_lazy("ocean", "Indian"),
    "Pacific": _("Pacific"),
}
# Zones without a place: named for what they are, never by their abbreviation.
PLACELESS = {"UTC": _("Universal time (no daylight saving)")}


def default_time_zone() -> str:
    """The server's zone: what a person has until they (or their browser) say otherwise."""
    return settings.TIME_ZONE


@functools.cache
def known_time_zones() -> frozenset:
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Please pick yours from the list."),
            code="unknown_time_zone",
            params={"value": value[:64]},
        )


def is_known_time_zone(value) -> bool:
    return isinstance(value, str) and value in known_time_zones()


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_of(person) -> ZoneInfo:
    """The person's zone; the server's for anyone without a (known) one."""
    name = getattr(person, "time_zone", "") or ""
    if not is_known_time_zone(name):
        name = default_time_zone()
    return _zone(name)


def in_zone_of(person):
    """``with in_zone_of(person):`` renders dates and "today" in their zone."""
    return timezone.override(zone_of(person))


def place_name(name: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Buenos Aires (Argentina)``;
    the placeless zones by what they are."""
    if name in PLACELESS:
        return str(PLACELESS[name])
    _area, _sep, rest = name.partition("/")
    pieces = [piece.replace("_", " ") for piece in (rest or name).split("/")]
    if len(pieces) > 1:
        return f"{pieces[-1]} ({', '.join(pieces[:-1])})"
    return pieces[0]


def offset_label(name: str, now: datetime.datetime | None = None) -> str:
    """The zone's offset now, as ``+13:00`` or ``-08:00`` with a real minus sign."""
    moment = (now or timezone.now()).astimezone(_zone(name))
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\N{MINUS SIGN}"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def time_zone_choices(current: str = "", now: datetime.datetime | None = None) -> list:
    """Grouped choices for a ``<select>``: by area, each place with its offset
    now (typing a place's first letters jumps to it). The person's current zone
    is always offered, even an alias no list would show."""
    groups = defaultdict(list)
    for name in known_time_zones():
        area, _sep, rest = name.partition("/")
        if area in AREAS and rest:
            groups[area].append(name)
    choices = []
    extra = [name for name in (current, default_time_zone()) if name]
    offered = {name for names in groups.values() for name in names}
    others = sorted({name for name in extra if name not in offered and is_known_time_zone(name)})
    if others:
        choices.append(
            (
                _("Other"),
                [(name, f"{place_name(name)}, {offset_label(name, now)}") for name in others],
            )
        )
    for area in AREAS:
        names = sorted(groups[area], key=place_name)
        if names:
            choices.append(
                (
                    AREA_LABELS[area],
                    [(name, f"{place_name(name)}, {offset_label(name, now)}") for name in names],
                )
            )
    return choices


def signed_in_person(request):
    """The request's person when a session names them, else ``None`` (a session
    naming nobody is an anonymous visitor: no user is built for them)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    named = session is not None and SESSION_KEY in session
    return user if named and user is not None and user.is_authenticated else None


class TimeZoneMiddleware:
    """The signed-in person's own zone for the whole request (after
    ``AuthenticationMiddleware``); everyone else gets the server's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = signed_in_person(request)
        if user is not None:
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def same_clock(first: ZoneInfo, second: ZoneInfo, now: datetime.datetime | None = None) -> bool:
    """Two zones whose clocks read the same now and half a year from now (Paris
    and Berlin: yes; London and Lisbon: yes; Auckland and Los Angeles: no)."""
    if first.key == second.key:
        return True
    moment = now or timezone.now()
    return all(
        (when.astimezone(first).utcoffset() == when.astimezone(second).utcoffset())
        for when in (moment, moment + datetime.timedelta(days=182))
    )
