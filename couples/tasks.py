"""Background work for the couples app, run by the worker (`manage.py worker`):
delivering notices as discreet Web Push notifications.

A notice (couples/services/notifications.py) carries ids only. When its time
comes the worker asks again, from the rows as they are now:
- does the person still want this kind, and have a device?
- is it still worth saying (the ask still open, the answer not yet seen, the
  rain check still at that time, the session still ahead, the statement still
  current, the two still linked)? If not, nothing is sent, ever;
- is it their quiet hours (in their own time zone)? Then it waits for the end
  of them, and is asked again then.
What is said is "Common Ground" / "Something new from your partner" unless the
person chose more detail for themselves; never the content, never a decline
(every answer to an ask reads the same). One notification per moment: the tag
is derived from the notice's key, so a newer one replaces it on the device.
A failed delivery is tried again with growing pauses; a subscription the push
service no longer knows (404, 410) is removed.
"""

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.languages import in_language_of
from accounts.timezones import zone_of

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from . import push
from .access import person_and_space
from .domain.moment import Slot
from .models import (
    Ask,
    Homework,
    HomeworkState,
    Notice,
    NoticeKind,
    NotificationChoice,
    PushDevice,
    RainCheck,
    Statement,
    TherapySession,
)
from .models.notifications import NOTICE_RETENTION
from .services.notifications import rain_check_key

logger = logging.getLogger(__name__)

PUSH_ATTEMPTS = 5
TITLE = "Common Ground"
DISCREET = gettext_lazy("Something new from your partner")
# Where a tap opens: the part of the dashboard the notice is about.
WHERE = {
    NoticeKind.ASK: "/#moment",
    NoticeKind.ANSWER: "/#moment",
    NoticeKind.RAIN_CHECK: "/#moment",
    NoticeKind.AGENDA: "/#therapy",
    NoticeKind.STATEMENT: "/#statements",
    NoticeKind.HOMEWORK: "/#homework",
}


def quiet_until(choice: NotificationChoice, zone, now: datetime.datetime):
    """The end of the person's quiet hours if ``now`` falls in them, else ``None``.
    Quiet hours may run over midnight (22:00-08:00); equal times mean none."""
    start, end = choice.quiet_start, choice.quiet_end
    if start == end:
        return None
    local = now.astimezone(zone)
    at = local.time()
    inside = (start <= at < end) if start < end else (at >= start or at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=zone)


def _still_worth_saying(notice: Notice, person, space, now) -> bool:
    """From the rows as they are now: is this still news for ``person``?"""
    if space is None:  # no longer linked: nothing from a partner to tell
        return False
    couple = space.couple
    kind, about = notice.kind, notice.about_id
    if kind == NoticeKind.ASK:
        return Ask.objects.filter(
            pk=about, couple=couple, state=Ask.OPEN, ends_at__gt=now, asker=space.partner
        ).exists()
    if kind == NoticeKind.ANSWER:
        return Ask.objects.filter(
            pk=about, couple=couple, asker=person, state=Ask.ANSWERED, asker_done_at=None
        ).exists()
    if kind == NoticeKind.RAIN_CHECK:
        item = RainCheck.objects.filter(
            pk=about, couple=couple, owner=person, state=RainCheck.OPEN
        ).first()
        if item is None or item.day is None:
            return False
        slot = Slot(item.day, item.part_of_day)
        # Moved since: the notice of the old time is not sent (the new one is its own).
        return notice.key == rain_check_key(item) and slot.ends(zone_of(person)) > now
    if kind == NoticeKind.AGENDA:
        today = now.astimezone(zone_of(person)).date()
        return TherapySession.objects.filter(
            pk=about, couple=couple, planned_for__gte=today
        ).exists()
    if kind == NoticeKind.STATEMENT:
        return Statement.objects.filter(
            pk=about, couple=couple, author=space.partner, retired_at=None
        ).exists()
    if kind == NoticeKind.HOMEWORK:
        return _homework_still_news(notice, space)
    return False


def _homework_still_news(notice: Notice, space) -> bool:
    """A proposal still waiting for this person; a stage moved on still current
    (or the exercise completed by it)."""
    from .services.homework import moved_on_key, proposed_key

    homework = Homework.objects.filter(pk=notice.about_id, couple=space.couple).first()
    if homework is None:
        return False
    if notice.key == proposed_key(homework):
        return homework.state == HomeworkState.PROPOSED and homework.proposed_by_id == (
            space.partner.pk
        )
    return homework.state != HomeworkState.SET_ASIDE and notice.key == moved_on_key(
        homework, homework.stage - 1 if homework.is_open else homework.stage
    )


def _tag(notice: Notice) -> str:
    """Opaque, stable per moment: collapses repeats on the device without
    saying what the moment was."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{notice.person_id}:{notice.key}".encode(), hashlib.sha256
    )
    return "cg-" + digest.hexdigest()[:16]


def _homework_detail(notice: Notice) -> str:
    if notice.key.endswith(":proposed"):
        return _("%(partner)s proposed homework")
    return _("Your homework moved on to its next stage")


def message_for(notice: Notice, choice: NotificationChoice, space) -> push.Message:
    """The words on the recipient's lock screen, in the recipient's language."""
    with in_language_of(space.me):
        body = str(DISCREET)
        if choice.detail:
            partner = space.partner.display_name
            body = {
                NoticeKind.ASK: _("%(partner)s asked you something"),
                # The same words for every answer: a notification never says no.
                NoticeKind.ANSWER: _("%(partner)s answered your ask"),
                NoticeKind.RAIN_CHECK: _("A time you offered is here"),
                NoticeKind.AGENDA: _("%(partner)s changed your agenda for the next session"),
                NoticeKind.STATEMENT: _("%(partner)s updated what their no means"),
                NoticeKind.HOMEWORK: _homework_detail(notice),
            }.get(notice.kind, body) % {"partner": partner}
    return push.Message(title=TITLE, body=body, tag=_tag(notice), url=WHERE.get(notice.kind, "/"))


def _finish(notice: Notice, state: str) -> None:
    notice.state, notice.done_at = state, timezone.now()
    notice.save(update_fields=["state", "done_at"])


def _wanted_now(notice: Notice, now):
    """``(person, space, choice)`` while the person still wants this notice and
    it is still news; ``None`` otherwise."""
    person, space = person_and_space(notice.person_id)
    choice = NotificationChoice.objects.filter(person_id=notice.person_id).first()
    if (
        person is None
        or choice is None
        or not choice.wants(notice.kind)
        or not _still_worth_saying(notice, person, space, now)
    ):
        return None
    return person, space, choice


def _prepare(notice_id):
    """``(notice, message)`` if it is to be sent now; ``None`` when not
    (finished as skipped, or waiting for the end of quiet hours)."""
    notice = Notice.objects.filter(pk=notice_id, state=Notice.PENDING).first()
    if notice is None:
        return None
    now = timezone.now()
    wanted = _wanted_now(notice, now)
    if wanted is None:
        _finish(notice, Notice.SKIPPED)
        return None
    person, space, choice = wanted
    later = quiet_until(choice, zone_of(person), now)
    if later is not None:
        notice.due_at = later
        notice.save(update_fields=["due_at"])
        deliver_notice.using(run_after=later).enqueue(notice_id=notice.pk)
        return None
    return notice, message_for(notice, choice, space)


def _deliver(device: PushDevice, message: push.Message) -> str:
    outcome = push.send(
        endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth, message=message
    )
    if outcome == push.GONE:
        device.delete()
    elif outcome == push.SENT:
        PushDevice.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
    return outcome


@task()
def deliver_notice(*, notice_id):
    prepared = _prepare(notice_id)
    if prepared is None:
        return
    notice, message = prepared
    devices = list(PushDevice.objects.filter(person_id=notice.person_id))
    for device in devices:
        if _deliver(device, message) == push.RETRY:
            _retry_later(notice.pk, device.pk, attempt=1)
    _finish(notice, Notice.SENT)


def _retry_later(notice_id, device_id, attempt):
    if attempt >= PUSH_ATTEMPTS:
        logger.warning("A notification could not be delivered after %d attempts.", attempt)
        return
    later = timezone.now() + datetime.timedelta(minutes=2**attempt)
    push_again.using(run_after=later).enqueue(
        notice_id=notice_id, device_id=device_id, attempt=attempt + 1
    )


@task()
def push_again(*, notice_id, device_id, attempt):
    """One device's delivery, tried again (still worth saying? still quiet?)."""
    notice = Notice.objects.filter(pk=notice_id).first()
    device = PushDevice.objects.filter(pk=device_id).first()
    if notice is None or device is None or notice.person_id != device.person_id:
        return
    now = timezone.now()
    wanted = _wanted_now(notice, now)
    if wanted is None:
        return
    person, space, choice = wanted
    if quiet_until(choice, zone_of(person), now) is not None:
        return  # a retry does not wake anyone: the dashboard has it
    if _deliver(device, message_for(notice, choice, space)) == push.RETRY:
        _retry_later(notice_id, device_id, attempt)


@task()
def prune_notices():
    cutoff = timezone.now() - NOTICE_RETENTION
    Notice.objects.filter(
        Q(done_at__lt=cutoff) | Q(state=Notice.PENDING, due_at__lt=cutoff)
    ).delete()
