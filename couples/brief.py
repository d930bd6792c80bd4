"""The session brief: what a couple brings to a therapy session, one copy per person,
and the therapist's copy.

The brief is a list of sections (``SECTION_BUILDERS``), each built by a small
function ``(request, space, session) -> BriefSection | None`` and rendered by the
named partial ``brief-<name>`` in ``couples/therapy/brief.html`` (or by its own
``template``). The printable page and the PDF are rendered from that same
template (the PDF with ``pdf=True``). A new area adds its section in one line::

    SECTION_BUILDERS = (..., brief_checkins.checkins_section, ...)

**Shared or private.** Every builder is shared unless it is marked
``@private_section``: a private one is the viewer's own (their reflections) and
is never even called for the therapist's copy, which renders exactly the shared
sections, in the same order, plus the reflections each partner explicitly added
to that copy (``therapist_picks_section``). A ``BriefSection`` also carries
``shared``; a private builder returns sections with ``shared=False``, and the
therapist copy drops any section so marked (belt and braces).

**The period.** A session's brief covers what happened since the couple's
previous session (``session_period``): builders that list events (agreed
list changes, check-ins, homework) use it.

Everything shared is built from the viewer's *current* space (so an ex never
appears). The one private section, the reflections the viewer flagged "bring to
therapy", is built from ``request.user``'s own rows only, and only while their
password confirmation is fresh (``accounts.reauth``): otherwise the section says
so and links to the confirm page, and no reflection is read at all.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.reauth import is_fresh

from .access import (
    agreed_activities,
    own_reflections,
    statements_shared_in,
    therapist_picks,
    visible_timing_grids,
)
from .brief_checkins import checkins_section
from .brief_homework import homework_section
from .domain.overlap import heatmap, legend
from .models import AgreedListChange, RainCheck, TherapySession
from .parts import moment as moment_part
from .parts import patterns as shared_patterns

TEMPLATE = "couples/therapy/brief.html"
PRINT_CSS = "css/print.css"


# The sections whose partial ``brief-<name>`` lives in TEMPLATE.
BUILT_IN_PARTIALS = frozenset(
    {
        "agenda",
        "statements",
        "timing",
        "rain-checks",
        "alternatives",
        "agreed-changes",
        "patterns",
        "reflections",
        "therapist-picks",
    }
)

# Without a previous session, a brief looks this far back.
FIRST_PERIOD_DAYS = 28


@dataclass(frozen=True)
class BriefSection:
    name: str  # the partial "brief-<name>" in TEMPLATE, unless ``template`` is given
    context: dict = field(default_factory=dict)
    # May go in the therapist's copy. False: only in the viewer's own copy.
    shared: bool = True
    template: str = ""  # e.g. "couples/therapy/_brief_checkins.html"

    @property
    def partial(self):
        """What renders it, with ``data`` = the context: ``template`` if given,
        a partial of TEMPLATE for the built-in sections, else the area's own
        include ``couples/therapy/_brief_<name>.html`` (check-ins, homework)."""
        if self.template:
            return self.template
        if self.name in BUILT_IN_PARTIALS:
            return f"{TEMPLATE}#brief-{self.name}"
        return f"couples/therapy/_brief_{self.name.replace('-', '_')}.html"


@dataclass(frozen=True)
class Period:
    """The days a brief covers: after the previous session, up to this one."""

    start: datetime.date  # inclusive
    end: datetime.date  # inclusive (the session's day, or today if it is later)

    def contains(self, day) -> bool:
        return self.start <= day <= self.end


def session_period(session) -> Period:
    """From the day of the couple's previous session (or ``FIRST_PERIOD_DAYS``
    before this one) to this session's day, or today when the session is past."""
    previous = (
        TherapySession.objects.filter(
            couple_id=session.couple_id, planned_for__lt=session.planned_for
        )
        .order_by("-planned_for")
        .values_list("planned_for", flat=True)
        .first()
    )
    start = previous or session.planned_for - datetime.timedelta(days=FIRST_PERIOD_DAYS)
    end = max(session.planned_for, timezone.localdate())
    return Period(start=start, end=end)


def private_section(builder):
    """Mark a builder as the viewer's own: never called for the therapist's copy."""
    builder.brief_private = True
    return builder


def is_private(builder) -> bool:
    return getattr(builder, "brief_private", False)


def agenda_section(request, space, session):
    topics = list(session.topics.select_related("added_by").order_by("position", "pk"))
    return BriefSection("agenda", {"topics": topics})


def statements_section(request, space, session):
    """Each partner's current statements: the viewer's first, then the partner's."""
    statements = list(statements_shared_in(space).select_related("author").order_by("created_at"))
    people = [
        (person, [s for s in statements if s.author_id == person.pk])
        for person in (space.me, space.partner)
    ]
    return BriefSection("statements", {"people": people})


def timing_section(request, space, session):
    """The overlap picture and its table, exactly as the dashboard shows it."""
    mine, partners = visible_timing_grids(space)
    overlap = heatmap(mine and mine.cells, partners and partners.cells)
    return BriefSection("timing", {"timing": {"heatmap": overlap, "legend": legend()}})


def alternatives_section(request, space, session):
    """Only mutual yeses, as on the dashboard: never a maybe or a no, never who
    answered what, in the same order for both copies."""
    return BriefSection("alternatives", {"activities": agreed_activities(space)})


def rain_checks_section(request, space, session):
    """Rain checks still open, with whose they are (both see them on the dashboard)."""
    checks = list(
        RainCheck.objects.filter(couple=space.couple, state=RainCheck.OPEN).order_by(
            "day", "created_at", "pk"
        )
    )
    if not checks:
        return BriefSection("rain-checks", {"rain_checks": []})
    people = {person.pk: person for person in space.people}
    rows = []
    for item in checks:
        owner = people.get(item.owner_id)
        if owner is None:
            continue
        today = moment_part.their_today(space, item.owner_id)
        rows.append({"owner": owner, "label": moment_part.rain_check_label(item, today)})
    return BriefSection("rain-checks", {"rain_checks": rows})


def agreed_changes_section(request, space, session):
    """What joined or left the agreed list in the brief's period, by day.
    Never who withdrew: the rows hold no person."""
    period = session_period(session)
    changes = list(
        AgreedListChange.objects.filter(
            couple=space.couple, on__gte=period.start, on__lte=period.end
        )
        .select_related("activity")
        .order_by("on", "pk")
    )
    added = [c for c in changes if c.change == AgreedListChange.ADDED]
    withdrawn = [c for c in changes if c.change == AgreedListChange.WITHDRAWN]
    return BriefSection(
        "agreed-changes", {"period": period, "added": added, "withdrawn": withdrawn}
    )


def patterns_section(request, space, session):
    """My patterns, as shared: only while BOTH partners chose to share, the very
    summaries the dashboard's couple view shows (the same in both copies);
    otherwise no section at all, the same whoever chose."""
    rows = shared_patterns.load(space)
    if rows is None:
        return None
    return BriefSection("patterns", shared_patterns.build(space, rows))


@private_section
def reflections_section(request, space, session):
    """The viewer's own reflections flagged "bring to therapy" — in their copy only.

    Never another person's: the query starts from ``request.user``. When the
    re-auth window has lapsed, nothing is read; the section offers the confirm page.
    """
    if not is_fresh(request):
        confirm = f"{reverse('reauth_confirm')}?{urlencode({'next': request.get_full_path()})}"
        return BriefSection("reflections", {"locked": True, "confirm_url": confirm}, shared=False)
    reflections = list(own_reflections(request.user).filter(bring_to_therapy=True))
    reflections.reverse()  # oldest first: the order they happened in
    return BriefSection("reflections", {"locked": False, "reflections": reflections}, shared=False)


SECTION_BUILDERS = (
    agenda_section,
    statements_section,
    timing_section,
    rain_checks_section,
    alternatives_section,
    agreed_changes_section,
    patterns_section,
    checkins_section,
    homework_section,
    reflections_section,
)


def therapist_picks_section(link, space):
    """Only in the therapist's copy: the reflections each partner added to it."""
    return BriefSection("therapist-picks", {"people": therapist_picks(link, space)})


def brief_context(request, space, session, *, pdf=False):
    """The viewer's own copy: every section, shared and private."""
    sections = [builder(request, space, session) for builder in SECTION_BUILDERS]
    context = {
        "space": space,
        "session": session,
        "sections": [section for section in sections if section is not None],
        "pdf": pdf,
        "therapist_copy": False,
    }
    return context


def therapist_context(request, link, space, *, pdf=False):
    """The therapist's copy: the shared sections only (private builders are not
    called), then the reflections a partner explicitly added to this link."""
    session = link.session
    sections = [
        builder(request, space, session) for builder in SECTION_BUILDERS if not is_private(builder)
    ]
    sections = [section for section in sections if section is not None and section.shared]
    sections.append(therapist_picks_section(link, space))
    return {
        "space": space,
        "session": session,
        "link": link,
        "sections": sections,
        "pdf": pdf,
        "therapist_copy": True,
    }


def read_static(name):
    """The bytes of one of our own static files (source folders, else collected)."""
    path = finders.find(name)
    if path is None and staticfiles_storage.exists(name):
        path = staticfiles_storage.path(name)
    if path is None:
        raise FileNotFoundError(name)
    with open(path, "rb") as handle:
        return handle.read()


def filename(session, extension):
    """Neutral: says neither who nor what it is about, only that it is a brief."""
    return f"session-brief-{session.planned_for.isoformat()}.{extension}"
