"""Agreed alternative intimacy activities: a consent-gated list.

An ``AlternativeActivity`` is either part of the starter catalogue (``couple`` is
null, the same rows for everyone) or proposed within one couple (``couple`` and
``author`` set). Each partner's ``AlternativeAnswer`` is private: yes / maybe /
no. No row means "not answered", and absence of an answer is never a yes. An
activity is *agreed* only while both current partners answered yes within their
current couple; that mutual yes is the only thing about answers the other
partner ever learns (see couples/services/alternatives.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..domain.catalogue import activity_name

ACTIVITY_NAME_MAX_LENGTH = 80


def name_key(name):
    """How two names are compared for duplicates: case and spacing ignored."""
    return " ".join(name.split()).casefold()


class AlternativeActivityQuerySet(models.QuerySet):
    def for_couple(self, couple):
        """The starter catalogue plus what was proposed in this couple.

        Ordered by catalogue position, then name: never by anything an answer
        could influence, so the order reveals nothing about anyone's answers.
        """
        return self.filter(Q(couple__isnull=True) | Q(couple=couple)).order_by(
            F("position").asc(nulls_last=True), "name_key", "pk"
        )

    def agreed_in(self, space):
        """Activities both current partners said yes to within their couple."""
        yes = AlternativeAnswer.objects.filter(
            activity=OuterRef("pk"), couple=space.couple, answer=AlternativeAnswer.YES
        )
        return (
            self.for_couple(space.couple)
            .filter(Exists(yes.filter(user=space.me)))
            .filter(Exists(yes.filter(user=space.partner)))
        )


class AlternativeActivity(models.Model):
    name = models.CharField(max_length=ACTIVITY_NAME_MAX_LENGTH)
    name_key = models.CharField(max_length=ACTIVITY_NAME_MAX_LENGTH, editable=False)
    # Catalogue rows: a stable key and a position; proposals: neither.
    catalogue_key = models.SlugField(max_length=40, unique=True, null=True, blank=True)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    # Proposals belong to their author and are shared in one couple. The author
    # is kept for the author's own export and deletion; it is never shown. When
    # the author deletes their account, a proposal the partner answered or asked
    # for stays (author null) so the partner's own answers keep their meaning;
    # the others go with the account (couples/services/ownership.py).
    couple = models.ForeignKey(
        "couples.Couple",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alternative_activities",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_alternatives",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AlternativeActivityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["couple", "name_key"],
                condition=Q(couple__isnull=False),
                name="one_proposal_per_name_per_couple",
            ),
            models.CheckConstraint(
                condition=(
                    Q(couple__isnull=True, author__isnull=True, catalogue_key__isnull=False)
                    | Q(couple__isnull=False, catalogue_key__isnull=True)
                ),
                name="activity_is_catalogue_or_proposal",
            ),
        ]

    def __str__(self):
        return f"alternative activity {self.pk}"

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        """The name to show: a catalogue activity's in the viewer's language (a
        lazy translation), a couple's own proposal exactly as written."""
        return activity_name(self.catalogue_key, self.name)


class AlternativeAnswer(models.Model):
    """One person's private answer to one activity, within one couple.

    Answers belong to the couple they were given in: a yes given to one
    partner is never carried over to a later partner.
    """

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"
    CHOICES = [(YES, _("Yes")), (MAYBE, _("Maybe")), (NO, _("No"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alternative_answers"
    )
    couple = models.ForeignKey(
        "couples.Couple", on_delete=models.CASCADE, related_name="alternative_answers"
    )
    activity = models.ForeignKey(
        AlternativeActivity, on_delete=models.CASCADE, related_name="answers"
    )
    answer = models.CharField(max_length=5, choices=CHOICES)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "couple", "activity"], name="one_answer_per_person_per_activity"
            ),
        ]
        indexes = [models.Index(fields=["couple", "activity", "answer"])]

    def __str__(self):
        return f"alternative answer {self.pk}"
