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


# --- A therapist's copy: a read-only link to one session's shared brief -----------

THERAPIST_LINK_DAYS_DEFAULT = 7
THERAPIST_LINK_DAYS_MAX = 30


class TherapistLink(models.Model):
    """A read-only link to one session's shared brief, for one named therapist.

    Only the SHA-256 of the token is stored: the full link is shown once, to the
    person who made it, and can never be shown again (a lost link is revoked and
    made anew). It works only while both current partners have consented, it has
    not expired and nobody revoked it; otherwise it is a 404 like any wrong link.
    """

    session = models.ForeignKey(
        TherapySession, on_delete=models.CASCADE, related_name="therapist_links"
    )
    # Always the session's couple (the house rule for shared rows).
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    therapist_name = models.CharField(max_length=THERAPIST_NAME_MAX)
    token_hash = models.CharField(max_length=64, unique=True)
    # SET_NULL: the link is the couple's; its consents say who agreed.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"therapist link {self.pk}"

    def is_live(self, now=None) -> bool:
        """Not revoked and not expired (consent is checked separately)."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class TherapistLinkConsent(models.Model):
    """One partner's yes to a therapist's copy. The creator's comes with the link."""

    link = models.ForeignKey(TherapistLink, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    consented_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "person"], name="one_consent_per_person_link")
        ]

    def __str__(self):
        return f"consent {self.pk} to therapist link {self.link_id}"


class TherapistLinkPick(models.Model):
    """A private reflection its owner put in the therapist's copy, explicitly.

    Flagging "bring to therapy" is not enough: that flag is for the owner's own
    copy. Only this row, made by the owner for this link, lets the therapist read it.
    """

    link = models.ForeignKey(TherapistLink, on_delete=models.CASCADE, related_name="picks")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reflection = models.ForeignKey("couples.Reflection", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "reflection"], name="one_pick_per_link")
        ]

    def __str__(self):
        return f"pick {self.pk} for therapist link {self.link_id}"


class TherapistLinkView(models.Model):
    """One opening of a therapist's copy: when (to the minute) and how; no address."""

    PAGE, PDF = "page", "pdf"
    KINDS = [(PAGE, "page"), (PDF, "PDF")]

    link = models.ForeignKey(TherapistLink, on_delete=models.CASCADE, related_name="views")
    viewed_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=KINDS, default=PAGE)

    class Meta:
        ordering = ["-viewed_at", "-pk"]

    def __str__(self):
        return f"view {self.pk} of therapist link {self.link_id}"
