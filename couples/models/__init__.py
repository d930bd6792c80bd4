"""Domain models, one module per area. The couple is only the sharing
relationship; every piece of content belongs to its author (see linking.py)."""

from .alternatives import AgreedListChange, AlternativeActivity, AlternativeAnswer
from .checkins import Appreciation, CheckIn, CheckInEntry
from .homework import Homework, HomeworkOccurrence, HomeworkState, StageConfirmation
from .linking import Couple, Invite, InviteAttempt, Membership
from .moment import Ask, AskAnswer, AskFor, AskWhen, PartOfDay, RainCheck
from .notifications import Notice, NoticeKind, NotificationChoice, PushDevice
from .patterns import PATTERN_PARTS, PatternPart, PatternSharing
from .reflections import Reflection
from .statements import Reason, Statement, StatementQuestion, StatementRevision
from .therapy import (
    AgendaTopic,
    TherapistLink,
    TherapistLinkConsent,
    TherapistLinkPick,
    TherapistLinkView,
    TherapySession,
)
from .timing import TimingGrid

__all__ = [
    "PATTERN_PARTS",
    "AgendaTopic",
    "AgreedListChange",
    "AlternativeActivity",
    "AlternativeAnswer",
    "Appreciation",
    "Ask",
    "AskAnswer",
    "AskFor",
    "AskWhen",
    "CheckIn",
    "CheckInEntry",
    "Couple",
    "Homework",
    "HomeworkOccurrence",
    "HomeworkState",
    "Invite",
    "InviteAttempt",
    "Membership",
    "Notice",
    "NoticeKind",
    "NotificationChoice",
    "PartOfDay",
    "PatternPart",
    "PatternSharing",
    "PushDevice",
    "RainCheck",
    "Reason",
    "Reflection",
    "StageConfirmation",
    "Statement",
    "StatementQuestion",
    "StatementRevision",
    "TherapistLink",
    "TherapistLinkConsent",
    "TherapistLinkPick",
    "TherapistLinkView",
    "TherapySession",
    "TimingGrid",
]
