"""Homework between sessions: an exercise the couple takes on together.

- ``Homework``: proposed by one partner (free text, or a built-in staged
  exercise from couples/domain/homework.py), optionally from a therapy
  session. It becomes the couple's only when the *other* partner accepts it;
  a proposal not taken up is put aside (by either; nothing records who).
  Either partner ends it later. The couple row is the relationship it was
  shared in: after unlinking nobody reads it (the current space is the door).
- ``HomeworkOccurrence``: one time it was done, marked by one person, on a day
  in their own time zone, with an optional note. Shared with the partner.
- ``StageConfirmation``: a person's "ready for the next stage" on the stage it
  was given for. The exercise moves on only when both have confirmed the
  current stage; until then either may take theirs back.

``proposed_by`` is SET_NULL: the partner's occurrences and notes live on the
homework, and one person deleting their account must not take them away
(couples/services/ownership.py deletes what nobody else wrote into).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.homework import exercise_choices, exercise_for
from .linking import Couple
from .therapy import TherapySession

HOMEWORK_TEXT_MAX = 500
OCCURRENCE_NOTE_MAX = 1000


class HomeworkState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Ours")
    SET_ASIDE = "set_aside", _("Put aside")
    ENDED = "ended", pgettext_lazy("homework", "Ended")


OPEN_STATES = (HomeworkState.PROPOSED, HomeworkState.ACCEPTED)


class HomeworkQuerySet(models.QuerySet):
    def for_couple(self, couple):
        return self.filter(couple=couple)

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Homework(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="homework_proposed",
    )
    session = models.ForeignKey(
        TherapySession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homework",
    )
    text = models.CharField(max_length=HOMEWORK_TEXT_MAX, blank=True)
    # "" is free text; otherwise a key of couples.domain.homework.EXERCISES.
    exercise = models.CharField(max_length=40, blank=True, choices=exercise_choices)
    stage = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(
        max_length=16, choices=HomeworkState.choices, default=HomeworkState.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = HomeworkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["couple", "state"])]
        verbose_name_plural = "homework"

    def __str__(self):
        return f"homework {self.pk}"

    @property
    def staged(self):
        return exercise_for(self.exercise)

    @property
    def current_stage(self):
        staged = self.staged
        return staged.stage(self.stage) if staged else None

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class HomeworkOccurrence(models.Model):
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="occurrences")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="homework_done"
    )
    # The day in the marker's own time zone, as they gave it.
    done_on = models.DateField()
    note = models.TextField(max_length=OCCURRENCE_NOTE_MAX, blank=True)
    # The stage of a staged exercise it was done at (null for free text).
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_on", "-pk"]

    def __str__(self):
        return f"homework occurrence {self.pk}"


class StageConfirmation(models.Model):
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="confirmations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_confirmations"
    )
    stage = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["homework", "stage", "person"], name="one_confirmation_per_stage_person"
            )
        ]

    def __str__(self):
        return f"stage confirmation {self.pk}"
