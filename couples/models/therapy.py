"""Therapy-session preparation: a session the couple plans, and its shared agenda.

A ``TherapySession`` is shared by the couple it was planned in: both partners
see it while that couple is their *current* couple, and nobody does once it is
dissolved. Each ``AgendaTopic`` belongs to the person who added it
(``added_by``): after unlinking, each person's topics stay theirs (for their
own export), and the session itself is readable to nobody.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .linking import Couple

TOPIC_TEXT_MAX = 200
TOPIC_NOTE_MAX = 1000
THERAPIST_NAME_MAX = 100


class TherapySessionQuerySet(models.QuerySet):
    def for_couple(self, couple):
        return self.filter(couple=couple)


class TherapySession(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="therapy_sessions")
    # SET_NULL, not CASCADE: the session holds the partner's topics too, and one
    # person leaving must not take what the other wrote with them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    planned_for = models.DateField()
    therapist_name = models.CharField(max_length=THERAPIST_NAME_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Either partner may change the date or the therapist's name.
    version = models.PositiveIntegerField(default=1)

    objects = TherapySessionQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_for", "-pk"]
        indexes = [models.Index(fields=["couple", "planned_for"])]

    def __str__(self):
        return f"therapy session {self.pk}"


class AgendaTopic(models.Model):
    """One thing to talk about in a session, written by one partner."""

    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="topics")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_topics"
    )
    # The relationship it was shared in (the house rule for content rows); it is
    # always the session's couple.
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=TOPIC_TEXT_MAX)
    note = models.TextField(max_length=TOPIC_NOTE_MAX, blank=True)
    position = models.PositiveIntegerField()
    discussed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # Deferred, so a move can swap two positions inside one transaction;
            # a lost or duplicated place in the order can never be committed.
            models.UniqueConstraint(
                fields=["session", "position"],
                name="one_topic_per_agenda_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return f"agenda topic {self.pk}"

    @property
    def is_discussed(self):
        return self.discussed_at is not None
