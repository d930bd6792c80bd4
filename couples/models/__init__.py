"""Domain models, one module per area. The couple is only the sharing
relationship; every piece of content belongs to its author (see linking.py)."""

from .linking import Couple, Invite, InviteAttempt, Membership
from .therapy import AgendaTopic, TherapySession

__all__ = [
    "AgendaTopic",
    "Couple",
    "Invite",
    "InviteAttempt",
    "Membership",
    "TherapySession",
]
