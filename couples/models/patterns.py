"""What one person chooses to share of their own patterns (issue 14).

Off by default: no row means nothing is shared. A row names the parts of *my*
summary I would show my partner; the couple view exists only while both
current partners have a row in their couple (``couples/parts/patterns.py``).
Withdrawing deletes the row. Unlinking deletes both rows of that couple; the
account going deletes its own (cascade). It holds no words and no counts: only
which parts, chosen by their owner.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .linking import Couple


class PatternPart(models.TextChoices):
    REASONS = "reasons", _("Why I say not now")
    WEEK = "week", _("When I am open, and when I say not now")
    RAIN_CHECKS = "rain_checks", _("My rain checks")
    ASKS = "asks", _("When I ask")


PATTERN_PARTS = tuple(PatternPart.values)


class PatternSharing(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pattern_sharing"
    )
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="pattern_sharing")
    reasons = models.BooleanField(default=False)
    week = models.BooleanField(default=False)
    rain_checks = models.BooleanField(default=False)
    asks = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "couple"], name="one_sharing_per_person"),
            models.CheckConstraint(
                condition=models.Q(reasons=True)
                | models.Q(week=True)
                | models.Q(rain_checks=True)
                | models.Q(asks=True),
                name="sharing_names_a_part",
            ),
        ]

    def __str__(self):
        return f"pattern sharing {self.pk}"

    @property
    def parts(self) -> tuple:
        """The chosen parts, in the page's order."""
        return tuple(part for part in PATTERN_PARTS if getattr(self, part))
