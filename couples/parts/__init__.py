"""The dashboard's live parts: one registry, used by the page, the refetch
endpoint, the writer's live frames and the owner's socket.

Each area's part lives in its own module (``base.Part``: load the rows both
partners' views share, then build one person's context); they are listed here,
explicitly. The views, ``realtime/`` and the template tag all come through
this package; nothing in it imports a view.

Rendered couple parts are cached in process memory (``cached_part_html``): a
part's HTML for one viewer changes only when something of the couple changes,
and every such change goes through ``realtime.broadcast.part_changed``, which
bumps the couple's sequence number inside the same transaction. The key holds
the viewer, the couple, that number and the minute (which also bounds how long
anything not announced could stay stale); CSRF tokens are put in per request.
Private (user-scoped) parts are never cached.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from accounts.timezones import zone_of

from ..access import Space, open_invite_for
from ..forms.linking import JoinForm
from . import (
    alternatives,
    checkins,
    homework,
    moment,
    partner,
    patterns,
    reflections,
    statements,
    therapy,
    timing,
)
from .base import COUPLE, USER, Part

__all__ = ["COUPLE", "PARTS", "SPACE", "USER", "Part"]

PARTS: dict[str, Part] = {
    part.name: part
    for part in (
        partner.PART,
        moment.PART,
        statements.PART,
        timing.PART,
        alternatives.SHARED,
        alternatives.MINE,
        reflections.PART,
        therapy.PART,
        homework.PART,
        patterns.PART,
        patterns.MINE,
        checkins.APPRECIATIONS,
        checkins.WENT_WELL,
        checkins.TOPICS,
    )
}

DASHBOARD = partner.DASHBOARD
# The whole dashboard body (linked or not): what switches when a couple links
# or unlinks. Not in the registry: it holds every part, private ones included,
# so it only ever travels to a person's own devices (``user.<id>``).
SPACE = "space"


def get_part(name: str) -> Part:
    return PARTS[name]


# --- the dashboard page ----------------------------------------------------------


def linking_context(request) -> dict:
    """What the dashboard's linking section needs when the person is not linked."""
    return {"join_form": JoinForm(), "open_invite": open_invite_for(request.user)}


def dashboard_context(request, space: Space | None, *, fresh=(), **extra) -> dict:
    """The page's context. Parts come from the rendered-parts cache, except
    those named in ``fresh``: their context is built here (and ``extra`` may
    override it, e.g. a form with errors) and they are rendered in place."""
    context = {"space": space}
    if space is None:
        context.update(linking_context(request))
    elif fresh:
        for name in fresh:
            context.update(PARTS[name].context(space, request=request))
        context["fresh_parts"] = frozenset(fresh)
    context.update(extra)
    return context


def render_named_part(request, name: str, space: Space | None) -> SafeString | None:
    """The HTML of one dashboard part for ``request.user``, or ``None`` when
    there is no such part for them. Used by the refetch endpoint and by the
    owner's socket for private parts, so both send the page's own partials."""
    if name == SPACE:
        context = dashboard_context(request, space)
        return render_to_string(f"{DASHBOARD}#{SPACE}", context, request=request)
    if name not in PARTS or space is None:
        return None
    return cached_part_html(name, request, space)


def render_part_html(name: str, request, space: Space, **extra) -> str:
    """One part for ``request.user``, rendered afresh (never from the cache);
    ``extra`` goes to its builder."""
    part = PARTS[name]
    if part.scope != COUPLE:
        return part.render(space, request=request, **extra)
    return part.render(space, csrf_token=get_token(request), **extra)


# --- rendered parts, cached per process -------------------------------------------

# Stands for the CSRF token in cached HTML; random per process, so no text a
# person writes can match it (and the cache never leaves the process).
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


def _cache_key(name: str, space: Space) -> str:
    return ":".join(
        str(bit)
        for bit in (
            "part",
            name,
            space.me.pk,
            space.couple.pk,
            space.couple.seq,
            space.partner.pk,
            int(time.time() // 60),
            translation.get_language(),
            zone_of(space.me).key,  # each part renders in its viewer's own zone
        )
    )


def cached_part_html(name: str, request, space: Space) -> SafeString:
    """The plain part (no bound forms) for ``request.user``, from the cache
    when the couple has not changed since it was rendered for this viewer."""
    part = PARTS[name]
    if part.scope != COUPLE:
        return mark_safe(part.render(space, request=request))  # noqa: S308  our render
    if settings.PARTS_CACHE_ENTRIES <= 0:
        return mark_safe(part.render(space, csrf_token=_csrf_token(request)))  # noqa: S308
    cache = caches["parts"]
    key = _cache_key(name, space)
    html = cache.get(key)
    if html is None:
        html = str(part.render(space, csrf_token=CSRF_PLACEHOLDER))
        cache.set(key, html)
    return mark_safe(html.replace(CSRF_PLACEHOLDER, _csrf_token(request)))  # noqa: S308  our render


def _csrf_token(request) -> str:
    """One masked token per request for every cached part (masking costs)."""
    token = getattr(request, "_parts_csrf_token", None)
    if token is None:
        token = request._parts_csrf_token = get_token(request)
    return token


# --- live frames, rendered once in the writer ----------------------------------------


def new_csrf_placeholder() -> str:
    """A placeholder for one frame's CSRF token: each receiving socket puts its
    own browser's token in its place. Random per frame, so nothing typed can
    match it."""
    return f"csrf-{secrets.token_hex(16)}"


def render_for_members(names, space: Space, *, csrf_placeholder: str) -> dict[int, str]:
    """Each named couple part rendered once for each member of ``space``'s
    couple, for that member's own eyes, from one read of its rows (both views
    are built from the same rows). ``{user_id: html}``."""
    parts = [PARTS[name] for name in names]
    if any(part.scope != COUPLE for part in parts):
        raise ValueError("only couple parts are rendered for both partners")
    rows = [part.rows(space) for part in parts]
    frames = {}
    for person in space.people:
        seen = space.seen_by(person)
        frames[person.pk] = "\n".join(
            part.render(seen, rows=part_rows, csrf_token=csrf_placeholder)
            for part, part_rows in zip(parts, rows, strict=True)
        )
    return frames
