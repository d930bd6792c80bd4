"""The dashboard's live parts: one registry, used by the page and the socket.

A part is a named partial whose root element carries the same ``id`` as its
name (``{% partialdef statements %}<section id="statements">``). The dashboard
renders every part for its viewer; live sync renders the very same partial for
each recipient and pushes it, and the htmx ws extension swaps it by ``id``.

``scope`` says who may ever receive a part: ``"couple"`` parts go to both
partners (each rendered for themselves); ``"user"`` parts (private reflections)
only ever go to their owner's own devices.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


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
