"""Domain models, one module per area. The couple is only the sharing
relationship; every piece of content belongs to its author (see linking.py)."""

from .alternatives import AlternativeActivity, AlternativeAnswer
from .linking import Couple, Invite, InviteAttempt, Membership

__all__ = [
    "AlternativeActivity",
    "AlternativeAnswer",
    "Couple",
    "Invite",
    "InviteAttempt",
    "Membership",
]
