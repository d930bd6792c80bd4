"""What a dashboard part is, and how one is rendered.

A part is a named partial whose root element carries the same ``id`` as its
name (``{% partialdef statements %}<section id="statements">``). The page, an
htmx swap, the refetch endpoint and a live frame all render the very same
partial for the person who receives it.

A part is built in two steps, so the writer can render one change for both
partners from one read:

- ``load(space)`` reads the rows both partners' views are built from (the
  same for either of them: it must not depend on which of the two is
  ``space.me``, nor on the active time zone, since partners may live in
  different ones); ``None`` when the part reads nothing.
- ``build(space, rows, request=..., **extra)`` turns them into the context for
  ``space.me``'s eyes, without writing to the rows (they are shared).

``scope`` says who may ever receive a part. ``"couple"`` parts go to both
partners, each rendered for themselves. They are rendered from the space and
the rows alone (``request`` is ``None``), exactly the same way over HTTP and in
the writer. ``"user"`` parts (private reflections, my own answers) only ever go
to their owner's own devices; they may depend on the request's session (the
journal's re-authentication), so they are rendered by whoever serves that
session: the HTTP request, or the owner's own socket.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from accounts.languages import as_person

from ..access import Space

COUPLE, USER = "couple", "user"
_UNLOADED = object()


@dataclass(frozen=True)
class Part:
    name: str
    template: str
    build: Callable[..., dict]
    load: Callable[[Space], Any] | None = None
    scope: str = COUPLE

    def __post_init__(self):
        if self.scope not in {COUPLE, USER}:
            raise ValueError(f"unknown scope {self.scope!r}")

    @property
    def partial(self) -> str:
        return f"{self.template}#{self.name}"

    def rows(self, space: Space) -> Any:
        return self.load(space) if self.load is not None else None

    def context(self, space: Space, *, request=None, rows: Any = _UNLOADED, **extra) -> dict:
        """The part's context for ``space.me``: ``extra`` goes to the builder
        (a form with errors shown in place, say)."""
        if rows is _UNLOADED:
            rows = self.rows(space)
        if self.scope == COUPLE:
            request = None  # a couple part never depends on who asks, only on whose eyes
        return {"space": space, **self.build(space, rows, request=request, **extra)}

    def render(
        self,
        space: Space,
        *,
        request=None,
        rows: Any = _UNLOADED,
        csrf_token: str | None = None,
        **extra,
    ) -> str:
        """The part's HTML for ``space.me``. Couple parts are rendered without
        the request: ``csrf_token`` (a real token or a placeholder put in
        later) stands in for the only thing of it their forms use."""
        # In the eyes' own time zone and language, whoever renders (a request, the
        # writer rendering for each member, a socket): "today", days, times and
        # words are theirs.
        with as_person(space.me):
            context = self.context(space, request=request, rows=rows, **extra)
            if csrf_token is not None:
                context["csrf_token"] = csrf_token
            if self.scope == COUPLE:
                return render_to_string(self.partial, context)
            return render_to_string(self.partial, context, request=request)
