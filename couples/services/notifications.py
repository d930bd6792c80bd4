"""Discreet notifications: a person's devices and choices, and the one call the
other services make when something happened that someone may want to hear of.

``announce`` runs inside the service's own transaction: it records a
``Notice`` (once per key: no repeats) only for a person who chose that kind and
has a device, and hands it to the worker after commit (couples/tasks.py).
Nothing here waits on a push service; a save costs one query when nobody
listens. What is sent, when, and whether it is still worth saying is decided
by the worker when the time comes (quiet hours, the moment passed).
"""

import base64
import binascii

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.usersessions.models import UserSession
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.devices import device_name
from accounts.sessions import record_session

from .. import push
from ..domain.errors import Invalid, NotFound
from ..models import Notice, NoticeKind, NotificationChoice, PushDevice
from ..models.notifications import ENDPOINT_MAX


def _decoded(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


@transaction.atomic
def add_device(*, request, endpoint: str, p256dh: str, auth: str) -> PushDevice:
    """This browser's subscription, for the person signed in on it, in this
    session. A browser has one subscription: if someone else signed in on it
    before, it is theirs no longer."""
    user = request.user
    endpoint = (endpoint or "").strip()
    if not endpoint or len(endpoint) > ENDPOINT_MAX:
        raise Invalid(_("This browser did not give a push address."))
    problem = push.endpoint_problem(endpoint)
    if problem is not None:
        raise Invalid(problem)
    point, secret = _decoded(p256dh or ""), _decoded(auth or "")
    if point is None or len(point) != 65 or point[0] != 4 or secret is None or len(secret) != 16:
        raise Invalid(_("This browser’s push keys could not be read."))
    session_key = request.session.session_key
    session = UserSession.objects.filter(session_key=session_key, user=user).first()
    if session is None and session_key:
        record_session(sender=None, request=request, user=user)
        session = UserSession.objects.filter(session_key=session_key, user=user).first()
    if session is None:
        raise Invalid(_("Please log in again on this device, then turn notifications on."))
    device, _created = PushDevice.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "person": user,
            "session": session,
            "p256dh": p256dh,
            "auth": auth,
            "label": device_name(request.META.get("HTTP_USER_AGENT", "")),
            "created_at": timezone.now(),
        },
    )
    return device


def remove_device(*, user, device_id) -> None:
    """Turn notifications off for one of my devices (never anyone else's)."""
    deleted, _kinds = PushDevice.objects.filter(pk=_id(device_id), person=user).delete()
    if not deleted:
        raise NotFound(_("That device is not on your list (perhaps it was removed already)."))


def remove_device_by_endpoint(*, user, endpoint: str) -> None:
    """This browser turned its subscription off itself."""
    PushDevice.objects.filter(endpoint=endpoint or "", person=user).delete()


def forget_devices(*people) -> int:
    """Every device of these people (users or ids), and what was still to be
    told to them (password change, unlinking)."""
    ids = [getattr(person, "pk", person) for person in people]
    Notice.objects.filter(person__in=ids, state=Notice.PENDING).delete()
    deleted, _kinds = PushDevice.objects.filter(person__in=ids).delete()
    return deleted


def _id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def choice_for(user) -> NotificationChoice:
    """The person's choices (all off until chosen; not saved until they save)."""
    return NotificationChoice.objects.filter(person=user).first() or NotificationChoice(person=user)


@transaction.atomic
def save_choice(*, user, kinds, detail: bool, quiet_start, quiet_end) -> NotificationChoice:
    kinds = set(kinds)
    unknown = kinds - set(NoticeKind.values)
    if unknown:
        raise Invalid(_("Please choose from the kinds of notification listed."))
    if quiet_start is None or quiet_end is None:
        raise Invalid(_("Please give quiet hours as two times, e.g. 22:00 and 08:00."))
    values = {kind: kind in kinds for kind in NoticeKind.values}
    values.update(
        detail=bool(detail),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        updated_at=timezone.now(),
    )
    choice, _created = NotificationChoice.objects.update_or_create(person=user, defaults=values)
    return choice


def rain_check_key(item) -> str:
    """A rain check's notice is for its time: moved, it is a new notice."""
    return f"rain_check:{item.pk}:{item.day}:{item.part_of_day}"


def announce(*, kind: str, person_id: int, about_id: int, key: str, due_at=None) -> None:
    """Something ``person_id`` may want to hear of (inside the caller's
    transaction). Recorded once per key, and only if they chose this kind and
    have a device; the worker takes it after commit."""
    listening = NotificationChoice.objects.filter(
        person_id=person_id, **{kind: True}, person__push_devices__isnull=False
    ).exists()
    if not listening:
        return
    due_at = due_at or timezone.now()
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                person_id=person_id, kind=kind, about_id=about_id, key=key[:120], due_at=due_at
            )
    except IntegrityError:
        return  # already told, or about to be: no repeats
    notice_id = notice.pk

    def hand_over():
        from ..tasks import deliver_notice

        deliver_notice.using(run_after=due_at).enqueue(notice_id=notice_id)

    transaction.on_commit(hand_over)


@receiver(password_changed, dispatch_uid="couples.notifications.password_changed")
@receiver(password_set, dispatch_uid="couples.notifications.password_set")
@receiver(password_reset, dispatch_uid="couples.notifications.password_reset")
def devices_end_with_the_password(sender, request=None, user=None, **kwargs) -> None:
    """A new password is often because someone else knew the old one: every
    device stops hearing anything until turned on again, on purpose."""
    if user is not None:
        forget_devices(user)
