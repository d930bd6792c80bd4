"""Discreet notifications (Web Push): a person's devices, their choices, and
the notices the worker delivers.

- ``PushDevice``: one browser's push subscription. It belongs to the session it
  was made in (allauth's ``UserSession`` row): logging out, ending the session
  from another device, its expiry, account deletion all delete the row by
  cascade; a password change or unlinking deletes the person's devices
  (couples/services/notifications.py). The keys are the browser's public
  encryption keys; nothing here can read a message.
- ``NotificationChoice``: what a person chose, all off until chosen; quiet
  hours in their own time zone; more detail on their own lock screen only if
  they ask for it.
- ``Notice``: that one thing is to be told to one person ("an ask for me",
  about ask 12). Its key makes it once only (no repeats); it carries ids, never
  words, and is pruned after ``NOTICE_RETENTION``.
"""

import datetime

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ENDPOINT_MAX = 1000
NOTICE_RETENTION = datetime.timedelta(days=14)


class NoticeKind(models.TextChoices):
    ASK = "ask", _("An ask for me")
    ANSWER = "answer", _("An answer or card to my ask")
    RAIN_CHECK = "rain_check", _("My own rain check’s time")
    AGENDA = "agenda", _("A change to our agenda in the day before a session")
    STATEMENT = "statement", _("A new or changed statement from my partner")


class PushDevice(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices"
    )
    session = models.ForeignKey(UserSession, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=ENDPOINT_MAX, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    # "Chrome on Android": from the browser's own description, for the person's list.
    label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"push device {self.pk}"


def _default_quiet_start():
    return datetime.time(22, 0)


def _default_quiet_end():
    return datetime.time(8, 0)


class NotificationChoice(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choice"
    )
    ask = models.BooleanField(default=False)
    answer = models.BooleanField(default=False)
    rain_check = models.BooleanField(default=False)
    agenda = models.BooleanField(default=False)
    statement = models.BooleanField(default=False)
    # Off: "Common Ground" / "Something new from your partner", whatever happened.
    detail = models.BooleanField(default=False)
    # Local times in the person's own zone; equal times mean no quiet hours.
    quiet_start = models.TimeField(default=_default_quiet_start)
    quiet_end = models.TimeField(default=_default_quiet_end)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"notification choice {self.pk}"

    def wants(self, kind: str) -> bool:
        return kind in NoticeKind.values and bool(getattr(self, kind))


class Notice(models.Model):
    PENDING, SENT, SKIPPED = "pending", "sent", "skipped"
    STATES = [(PENDING, "Pending"), (SENT, "Sent"), (SKIPPED, "Not sent")]

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    # The ask, rain check, session or statement it is about (checked again when sent).
    about_id = models.BigIntegerField()
    key = models.CharField(max_length=120)
    state = models.CharField(max_length=16, choices=STATES, default=PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="notice_once_per_person")
        ]

    def __str__(self):
        return f"notice {self.pk}"
