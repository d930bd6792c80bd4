""" "What my no means": statements a person writes about their own declines.

A statement belongs to its author and is shared in the couple it was written
in. Every saved version is kept as a ``StatementRevision`` so the couple can
see how things changed. The partner can mark a statement heard and ask
questions about it; only the author edits, retires or answers.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .linking import Couple

MEANING_MAX = 1000
NOT_MEANING_MAX = 1000
REASSURANCE_MAX = 1000
RAIN_CHECK_MAX = 500
QUESTION_MAX = 500
ANSWER_MAX = 1000


class Reason(models.TextChoices):
    TIRED = "tired", _("Tired")
    STRESSED = "stressed", _("Stressed or preoccupied")
    DISTRACTED = "distracted", _("Distracted")
    NOT_PRIVATE = "not_private", _("Not private enough")
    UNWELL = "unwell", _("Unwell or in pain")
    BODY_IMAGE = "body_image", _("Feeling bad about my body")
    DIFFERENT_ACTIVITY = "different_activity", _("Wanting a different activity")
    APPROACH = "approach", _("The way I was approached")
    CLOSENESS_FIRST = "closeness_first", _("Needing closeness first")
    OTHER = "other", _("Something else")


class StatementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_at__isnull=True)


class StatementContent(models.Model):
    """The words of a statement: shared by the statement and each revision."""

    reason = models.CharField(max_length=32, choices=Reason.choices)
    meaning = models.CharField(_("What it means"), max_length=MEANING_MAX)
    not_meaning = models.CharField(_("What it does not mean"), max_length=NOT_MEANING_MAX)
    reassurance = models.CharField(_("Something to hold on to"), max_length=REASSURANCE_MAX)
    rain_check = models.CharField(_("Rain check"), max_length=RAIN_CHECK_MAX, blank=True)

    CONTENT_FIELDS = ("reason", "meaning", "not_meaning", "reassurance", "rain_check")

    class Meta:
        abstract = True

    def content(self):
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}


class Statement(StatementContent):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statements"
    )
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="statements")
    # Optimistic concurrency: forms carry the version they were rendered from.
    version = models.PositiveIntegerField(default=1)
    # "Heard" belongs to the words the partner read: it holds the version they
    # acknowledged, so an edit (a new version) is not silently marked heard.
    heard_version = models.PositiveIntegerField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["couple", "author", "retired_at"])]

    def __str__(self):
        return f"statement {self.pk}"

    @property
    def is_heard(self):
        return self.heard_version is not None and self.heard_version == self.version

    @property
    def is_retired(self):
        return self.retired_at is not None


class StatementRevision(StatementContent):
    """One saved version of a statement (the first included), with its date."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "version"], name="one_revision_per_statement_version"
            )
        ]

    def __str__(self):
        return f"statement {self.statement_id} v{self.version}"


class StatementQuestion(models.Model):
    """A question the partner asks about a statement; the author answers it."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statement_questions"
    )
    text = models.CharField(max_length=QUESTION_MAX)
    answer = models.CharField(max_length=ANSWER_MAX, blank=True)
    version = models.PositiveIntegerField(default=1)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"question {self.pk}"
