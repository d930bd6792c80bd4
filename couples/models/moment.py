"""The moment itself: a gentle ask, its answer (a "not now" is a card that
carries its meaning) and the rain checks the decliner owns.

Ownership follows authorship: an ask belongs to the one who asked, an answer
(and every word of a decline card, a one-off reason included) to the one who
answered, a rain check to the one who offered it. Each is shared only in the
couple it was made in. Nothing here is ever counted for the partner.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .alternatives import AlternativeActivity
from .linking import Couple
from .statements import Statement
from .therapy import AgendaTopic

ASK_WORDS_MAX = 500
CARD_TEXT_MAX = 1000
ACKNOWLEDGEMENT_MAX = 300
TALK_TEXT_MAX = 200


class AskFor(models.TextChoices):
    CLOSENESS = "closeness", _("Closeness")
    SEX = "sex", _("Sex")
    ALTERNATIVE = "alternative", _("One of our ways to be close")


class AskWhen(models.TextChoices):
    NOW = "now", _("Now")
    TONIGHT = "tonight", _("Tonight")
    SLOT = "slot", _("A day and time")


class PartOfDay(models.TextChoices):
    EARLY = "early", _("Early morning")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
    LATE = "late", _("Late night")


class Ask(models.Model):
    OPEN, WITHDRAWN, ANSWERED, ENDED = "open", "withdrawn", "answered", "ended"
    STATES = [
        (OPEN, _("Open")),
        (WITHDRAWN, _("Withdrawn")),
        (ANSWERED, _("Answered")),
        (ENDED, _("Ended")),
    ]
    # What the asker did with the answer (nothing, by default: closing is quiet).
    THANKS, TOOK_ALTERNATIVE = "thanks", "alternative"
    REPLIES = [(THANKS, _("Thank you")), (TOOK_ALTERNATIVE, _("Took the alternative"))]

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="asks")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asks"
    )
    kind = models.CharField(max_length=16, choices=AskFor.choices)
    activity = models.ForeignKey(
        AlternativeActivity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    when = models.CharField(max_length=16, choices=AskWhen.choices)
    day = models.DateField(null=True, blank=True)
    part_of_day = models.CharField(max_length=16, choices=PartOfDay.choices, blank=True)
    words = models.CharField(max_length=ASK_WORDS_MAX, blank=True)
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=STATES, default=OPEN)
    # A rain check redeemed by its owner becomes this ask.
    from_rain_check = models.ForeignKey(
        "RainCheck", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)  # withdrawn, answered or ended
    reply = models.CharField(max_length=16, choices=REPLIES, blank=True)
    # The asker put the answer away (it no longer shows on their dashboard).
    asker_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asker"], condition=Q(state="open"), name="one_open_ask_per_person"
            ),
        ]
        indexes = [models.Index(fields=["couple", "state"])]

    def __str__(self):
        return f"ask {self.pk}"

    def is_open_at(self, now) -> bool:
        return self.state == self.OPEN and self.ends_at > now


class AskAnswer(models.Model):
    YES, SOMETHING_ELSE, NOT_NOW, TALK = "yes", "something_else", "not_now", "talk"
    KINDS = [
        (YES, _("Yes")),
        (SOMETHING_ELSE, _("Yes to something else")),
        (NOT_NOW, _("Not now")),
        (TALK, _("Let’s talk about it")),
    ]

    ask = models.OneToOneField(Ask, on_delete=models.CASCADE, related_name="answer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ask_answers"
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    # Yes to something else, or the alternative a decline card offers.
    activity = models.ForeignKey(
        AlternativeActivity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    together = models.BooleanField(default=False)  # "just be together"
    # The decline card, in the decliner's own words (copied, so a later edit or
    # retirement of the statement does not change what was said).
    acknowledgement = models.CharField(max_length=ACKNOWLEDGEMENT_MAX, blank=True)
    statement = models.ForeignKey(
        Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=CARD_TEXT_MAX, blank=True)
    not_meaning = models.CharField(max_length=CARD_TEXT_MAX, blank=True)
    love = models.CharField(max_length=CARD_TEXT_MAX, blank=True)
    # Let's talk about it: the topic put on the next session's agenda, or the
    # words kept here when no session is planned.
    topic = models.ForeignKey(
        AgendaTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    talk_text = models.CharField(max_length=TALK_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The answerer put the asker's reply away.
    author_done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"answer to ask {self.ask_id}"


class RainCheck(models.Model):
    """A time the decliner offers ("Saturday morning"), or "I'll come to you"
    (no day). Only its owner redeems, moves or lets it go."""

    OPEN, REDEEMED, LET_GO = "open", "redeemed", "let_go"
    STATES = [(OPEN, _("Open")), (REDEEMED, _("Redeemed")), (LET_GO, _("Let go"))]

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="rain_checks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rain_checks"
    )
    answer = models.ForeignKey(
        AskAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="rain_checks"
    )
    day = models.DateField(null=True, blank=True)  # none: "I'll come to you"
    part_of_day = models.CharField(max_length=16, choices=PartOfDay.choices, blank=True)
    # The owner's own, private note on their dashboard when the time comes.
    note_for_me = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=STATES, default=OPEN)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "created_at", "pk"]
        indexes = [models.Index(fields=["couple", "state"])]

    def __str__(self):
        return f"rain check {self.pk}"

    @property
    def comes_to_you(self) -> bool:
        return self.day is None
