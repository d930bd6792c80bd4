"""The weekly check-in: a guided, shared page both partners fill, together or apart.

One ``CheckIn`` per couple per week (``week_start``: the Monday of the week in
the writer's own calendar, see docs/decisions.md, "Weekly check-in"). Each
partner has one ``CheckInEntry`` in it, theirs alone to write: up to three
appreciations, what went well this week, one topic. Everything in it is shared
with the partner (it is a conversation, not a journal). Nothing is scored or
counted, and a week without a check-in is simply a week without a row.

What changed in the couple's agreed list during the week comes from
``AgreedListChange`` (models/alternatives.py): noted without any person, to the day.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .linking import Couple
from .therapy import AgendaTopic

APPRECIATIONS_MAX = 3
APPRECIATION_MAX = 300
WENT_WELL_MAX = 2000
CHECKIN_TOPIC_MAX = 200  # the agenda's own limit (TOPIC_TEXT_MAX): it may move there


class CheckIn(models.Model):
    """A week's check-in of one couple: a container; its words are in the entries."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField()  # a Monday
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["couple", "week_start"], name="one_checkin_per_week")
        ]

    def __str__(self):
        return f"check-in {self.pk}"


class CheckInEntry(models.Model):
    """One partner's part of one check-in, written by them only."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_entries"
    )
    # The relationship it was shared in (the house rule for content rows).
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(max_length=WENT_WELL_MAX, blank=True)
    topic = models.CharField(max_length=CHECKIN_TOPIC_MAX, blank=True)
    # The topic was put on a session's agenda (by either partner): a copy lives
    # there, written as the topic's author's; this points to it while it exists.
    topic_moved_to = models.ForeignKey(
        AgendaTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic_moved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "author"], name="one_checkin_entry_per_person"
            )
        ]

    def __str__(self):
        return f"check-in entry {self.pk}"


class Appreciation(models.Model):
    entry = models.ForeignKey(CheckInEntry, on_delete=models.CASCADE, related_name="appreciations")
    text = models.CharField(max_length=APPRECIATION_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"appreciation {self.pk}"
