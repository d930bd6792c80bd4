"""Every write in the domain goes through a service in this package.

Services take keyword-only arguments, run in one transaction, check access
themselves and raise ``ServiceError`` (with a message fit for the person) when
the write cannot happen. Nothing is half-done when they raise.
"""


class ServiceError(Exception):
    """A write that cannot happen, with a message the person can act on."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Conflict(ServiceError):
    status = 409


class Throttled(ServiceError):
    status = 429


def check_version(current_version, expected_version, *, what="this"):
    """Optimistic concurrency for shared editable things.

    Forms carry the ``version`` they were rendered from; a save from a stale
    form raises ``Conflict`` (HTTP 409) instead of overwriting a newer save, and
    the view shows both texts so nothing typed is lost.
    """
    if expected_version is None or int(expected_version) != int(current_version):
        raise Conflict(
            f"Someone saved {what} while you were editing. Your text is kept below: "
            "compare it with the saved version and save again."
        )
