"""The session brief: what a couple brings to a therapy session, one copy per person.

The brief is a list of sections, each built by a small function
``(request, space, session) -> BriefSection | None`` and rendered by the named
partial ``brief-<name>`` in ``couples/therapy/brief.html``. The printable page
and the PDF are rendered from that same template (the PDF with ``pdf=True``).

Everything shared is built from the viewer's *current* space (so an ex never
appears). The one private section, the reflections the viewer flagged "bring to
therapy", is built from ``request.user``'s own rows only, and only while their
password confirmation is fresh (``accounts.reauth``): otherwise the section says
so and links to the confirm page, and no reflection is read at all.
"""

from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils.http import urlencode

from accounts.reauth import is_fresh

from .access import (
    agreed_activities,
    own_reflections,
    statements_shared_in,
    visible_timing_grids,
)
from .brief_homework import homework_section
from .domain.overlap import heatmap, legend
from .parts import patterns as shared_patterns

TEMPLATE = "couples/therapy/brief.html"
PRINT_CSS = "css/print.css"


@dataclass(frozen=True)
class BriefSection:
    name: str  # the partial "brief-<name>" in TEMPLATE
    context: dict = field(default_factory=dict)

    @property
    def partial(self):
        return f"{TEMPLATE}#brief-{self.name}"


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


def patterns_section(request, space, session):
    """My patterns, as shared: only while BOTH partners chose to share, the very
    summaries the dashboard's couple view shows (the same in both copies);
    otherwise no section at all, the same whoever chose."""
    rows = shared_patterns.load(space)
    if rows is None:
        return None
    return BriefSection("patterns", shared_patterns.build(space, rows))


def reflections_section(request, space, session):
    """The viewer's own reflections flagged "bring to therapy" — in their copy only.

    Never another person's: the query starts from ``request.user``. When the
    re-auth window has lapsed, nothing is read; the section offers the confirm page.
    """
    if not is_fresh(request):
        confirm = f"{reverse('reauth_confirm')}?{urlencode({'next': request.get_full_path()})}"
        return BriefSection("reflections", {"locked": True, "confirm_url": confirm})
    reflections = list(own_reflections(request.user).filter(bring_to_therapy=True))
    reflections.reverse()  # oldest first: the order they happened in
    return BriefSection("reflections", {"locked": False, "reflections": reflections})


SECTION_BUILDERS = (
    agenda_section,
    statements_section,
    timing_section,
    alternatives_section,
    patterns_section,
    homework_section,
    reflections_section,
)


def brief_context(request, space, session, *, pdf=False):
    sections = [builder(request, space, session) for builder in SECTION_BUILDERS]
    context = {
        "space": space,
        "session": session,
        "sections": [section for section in sections if section is not None],
        "pdf": pdf,
    }
    return context


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
