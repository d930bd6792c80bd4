"""The couple is only the sharing relationship.

Everything a person writes (later: statements, timing grids, answers,
reflections) belongs to its author through a foreign key to the author. A
``Couple`` says who currently shares with whom; it never owns content. When a
couple dissolves, its ``Membership`` rows are closed (``left_at``) and the couple
is marked ``dissolved_at``: each person keeps what they wrote, and nothing of
one is visible to the other any more, because every shared query starts from a
*current* membership.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Couple(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    dissolved_at = models.DateTimeField(null=True, blank=True)
    # Live sync: bumped in the same transaction as every shared change
    # (realtime.broadcast), so a page can tell it missed a push and refetch.
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dissolved_at"])]

    def __str__(self):
        return f"couple {self.pk}"

    @property
    def is_active(self):
        return self.dissolved_at is None


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    """A person's place in a couple. At most one current membership per person."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(left_at__isnull=True),
                name="one_current_couple_per_person",
            ),
            models.UniqueConstraint(fields=["couple", "user"], name="one_membership_per_couple"),
        ]

    def __str__(self):
        return f"membership {self.pk}"


class InviteQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invite(models.Model):
    """A single-use, expiring invitation to link accounts.

    Only a keyed digest of the code is stored: a copy of the database is not a
    way to join someone's space. The creator sees the code once, when it is made.
    """

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        constraints = [
            # "Only one open invite per person": an invite that is neither used nor
            # revoked blocks a second one; an expired one is revoked before a new one.
            models.UniqueConstraint(
                fields=["creator"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invite_per_person",
            )
        ]

    def __str__(self):
        return f"invite {self.pk}"

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at

    def is_open(self, now=None):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired(now)


class InviteAttempt(models.Model):
    """A refused attempt to accept an invite code, kept to throttle guessing.

    Stored in the database (not a per-process cache) so the limit holds across
    every server process, and counted per person only (no address is kept: a
    code is never refused because someone else behind the same address guessed
    wrong). Rows older than the window are deleted as we go.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "attempted_at"])]

    def __str__(self):
        return f"invite attempt {self.pk}"
