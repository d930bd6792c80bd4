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
