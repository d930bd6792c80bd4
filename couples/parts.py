"""The dashboard's live parts: one registry, used by the page and the socket.

A part is a named partial whose root element carries the same ``id`` as its
name (``{% partialdef statements %}<section id="statements">``). The dashboard
renders every part for its viewer; live sync renders the very same partial for
each recipient and pushes it, and the htmx ws extension swaps it by ``id``.

``scope`` says who may ever receive a part: ``"couple"`` parts go to both
partners (each rendered for themselves); ``"user"`` parts (private reflections)
only ever go to their owner's own devices.

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
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Part:
    name: str
    template: str
    context: Callable  # (request, space) -> dict, for request.user's eyes only
    scope: str = "couple"

    @property
    def partial(self):
        return f"{self.template}#{self.name}"


PARTS: dict[str, Part] = {}


def register(name, template, *, scope="couple"):
    """Decorator: register ``context(request, space)`` as the builder of a part."""
    if scope not in {"couple", "user"}:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(builder):
        PARTS[name] = Part(name=name, template=template, context=builder, scope=scope)
        return builder

    return decorate


def get_part(name):
    return PARTS[name]


def part_context(request, space, names=None):
    """The merged context of the given parts (all of them by default)."""
    context = {}
    for part in PARTS.values():
        if names is None or part.name in names:
            context.update(part.context(request, space))
    return context


def render_part_html(name, request, space, **extra):
    """The HTML of one part, rendered for ``request.user`` in ``space``."""
    part = PARTS[name]
    context = {"space": space, **part.context(request, space), **extra}
    return render_to_string(part.partial, context, request=request)


# Stands for the CSRF token in cached HTML; random per process, so no text a
# person writes can match it (and the cache never leaves the process).
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


def _cache_key(name, request, space):
    return ":".join(
        str(bit)
        for bit in (
            "part",
            name,
            request.user.pk,
            space.couple.pk,
            space.couple.seq,
            space.partner.pk,
            int(time.time() // 60),
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
    )


def cached_part_html(name, request, space):
    """``render_part_html`` for the plain part (no bound forms), from the cache
    when the couple has not changed since it was rendered for this viewer."""
    part = PARTS[name]
    if part.scope != "couple" or space is None or settings.PARTS_CACHE_ENTRIES <= 0:
        return render_part_html(name, request, space)
    cache = caches["parts"]
    key = _cache_key(name, request, space)
    html = cache.get(key)
    if html is None:
        html = str(render_part_html(name, request, space, csrf_token=CSRF_PLACEHOLDER))
        cache.set(key, html)
    return mark_safe(html.replace(CSRF_PLACEHOLDER, _csrf_token(request)))  # noqa: S308  our render


def _csrf_token(request):
    """One masked token per request for every cached part (masking costs)."""
    token = getattr(request, "_parts_csrf_token", None)
    if token is None:
        token = request._parts_csrf_token = get_token(request)
    return token
