"""Domain models, one module per area. The couple is only the sharing
relationship; every piece of content belongs to its author (see linking.py)."""

from .alternatives import AlternativeActivity, AlternativeAnswer
from .linking import Couple, Invite, InviteAttempt, Membership
from .reflections import Reflection
from .statements import Reason, Statement, StatementQuestion, StatementRevision
from .therapy import AgendaTopic, TherapySession
from .timing import TimingGrid

__all__ = [
    "AgendaTopic",
    "AlternativeActivity",
    "AlternativeAnswer",
    "Couple",
    "Invite",
    "InviteAttempt",
    "Membership",
    "Reason",
    "Reflection",
    "Statement",
    "StatementQuestion",
    "StatementRevision",
    "TherapySession",
    "TimingGrid",
]
