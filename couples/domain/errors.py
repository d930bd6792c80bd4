"""What can go wrong in the domain, raised one way and mapped to HTTP in one
place.

- ``NotFound``: not there, or not the person's to see (never says which). It is
  Django's ``Http404``, so Django's own handler answers it, from a view, an
  access helper or a service alike, and a view that catches ``DomainError`` to
  re-show a form never swallows it.
- Every other refusal is a ``DomainError`` carrying a message fit for the
  person and the HTTP status it maps to (409 conflict, 422 invalid, ...). Views
  that re-show a form catch it; any other is answered by
  ``couples.http.DomainErrorMiddleware``.

Messages are translated where they are raised (``gettext``, in the request's
language) or passed lazily; either way a message is text for the person.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A write (or read) that cannot happen, with a message the person can act on."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(Http404):
    """Not there, or not the person's to see: never says which."""

    status = 404

    def __init__(self, message: str = gettext_lazy("Not found.")):
        super().__init__(message)
        self.message = message


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """Someone (often the person's own other device) saved first."""

    status = 409


class Invalid(DomainError):
    """Input a person can fix: a missing text, one too long, an unknown choice."""

    status = 422


class Throttled(DomainError):
    status = 429


def check_version(current_version: int, expected_version, *, what: str | None = None) -> None:
    """Optimistic concurrency for shared editable things.

    Forms carry the ``version`` they were rendered from; a save from a stale
    form raises ``Conflict`` (HTTP 409) instead of overwriting a newer save, and
    the view shows both texts so nothing typed is lost. ``what`` is words
    for the person ("this statement"), translated by the caller.
    """
    if expected_version is None or int(expected_version) != int(current_version):
        raise Conflict(
            _(
                "Someone saved %(what)s while you were editing. Your text is kept below: "
                "compare it with the saved version and save again."
            )
            % {"what": what if what is not None else _("this")}
        )
