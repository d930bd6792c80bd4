"""Private reflections: a person's own journal, never shared with anyone.

Unlike shared content a reflection carries no ``couple``: it belongs to its
author alone, exists whether or not they are linked, and no query that starts
from a couple can ever reach it. Every text column is encrypted at rest
(``EncryptedTextField``); only ``bring_to_therapy`` and the dates are plain,
so the owner's own session brief can select flagged entries.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField

NEED_CHOICES = [
    ("closeness", _("Closeness")),
    ("release", _("Release")),
    ("reassurance", _("Reassurance")),
    ("feeling_wanted", _("Feeling wanted")),
    ("comfort", _("Comfort after a hard day")),
    ("connection", _("Reconnecting after distance")),
    ("play", _("Play and fun")),
    ("other", _("Something else")),
]

STORY_CHOICES = [
    ("not_desirable", _("“I'm not desirable”")),
    ("matter_less", _("“I matter less”")),
    ("want_too_much", _("“I want too much”")),
    ("always_rejected", _("“I will always be turned away”")),
    ("burden", _("“I am a burden”")),
    ("unlovable", _("“I'm not lovable as I am”")),
    ("other", _("Another story")),
]

TAGS_MAX_LENGTH = 300
TAG_MAX_LENGTH = 40


class Reflection(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    need = EncryptedTextField(_("The need behind my asking"), choices=NEED_CHOICES, blank=True)
    need_note = EncryptedTextField(_("That need, in my own words"), max_length=500, blank=True)
    old_story = EncryptedTextField(
        _("The old story this no woke up"), choices=STORY_CHOICES, blank=True
    )
    old_story_note = EncryptedTextField(
        _("That story, in my own words"), max_length=500, blank=True
    )
    what_i_heard = EncryptedTextField(_("What I heard"), max_length=2000, blank=True)
    what_was_said = EncryptedTextField(_("What was actually said"), max_length=2000, blank=True)
    body = EncryptedTextField(_("What else is on my mind"), max_length=10000, blank=True)
    tags = EncryptedTextField(max_length=TAGS_MAX_LENGTH, blank=True)
    bring_to_therapy = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TEXT_FIELDS = (
        "need",
        "need_note",
        "old_story",
        "old_story_note",
        "what_i_heard",
        "what_was_said",
        "body",
        "tags",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["author", "-created_at"], name="reflection_author_recent")]

    def __str__(self):
        # Never the text: this string may end up in a log line or an error page.
        return f"Reflection #{self.pk}"

    def __repr__(self):
        return f"<Reflection pk={self.pk}>"

    @property
    def tag_list(self):
        return [tag for tag in (t.strip() for t in self.tags.split(",")) if tag]

    @property
    def excerpt_source(self):
        for name in ("body", "what_i_heard", "need_note", "old_story_note", "what_was_said"):
            text = getattr(self, name)
            if text:
                return text
        return self.get_need_display() or self.get_old_story_display() or ""
