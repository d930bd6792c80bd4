"""Every write in the domain goes through a service in this package.

Services take keyword-only arguments, run in one transaction and raise a
``couples.domain.errors`` error (with a message fit for the person) when the
write cannot happen; nothing is half-done when they raise. Shared writes take
the person's ``space`` (resolved once per request, ``couples.http``), and look
up only the rows they write, through the access helpers.
"""

from ..domain.errors import Conflict, DomainError, Invalid, NotFound, Throttled, check_version

# The name the views and tests have always caught.
ServiceError = DomainError

__all__ = [
    "Conflict",
    "DomainError",
    "Invalid",
    "NotFound",
    "ServiceError",
    "Throttled",
    "check_version",
]
