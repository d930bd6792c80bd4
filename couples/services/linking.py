"""Linking two accounts into a couple, and unlinking."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from realtime import broadcast

from ..domain.errors import DomainError, Invalid, Throttled
from ..domain.invite_codes import is_well_formed, new_code, normalize_code
from ..models import Ask, Couple, Invite, InviteAttempt, Membership, PatternSharing
from . import notifications


class InviteError(Invalid):
    pass


def code_digest(code):
    return salted_hmac("couples.invite-code", code, algorithm="sha256").hexdigest()


def _lock_users(*user_ids):
    """Lock people's rows in a fixed order so concurrent links cannot cross."""
    User = get_user_model()
    return list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk"))


def _is_linked(user):
    return Membership.objects.current().filter(user=user).exists()


def create_invite(*, creator):
    """Make the creator's one open invite, replacing any earlier one.

    Returns ``(invite, code)``; the plain code exists only in this return value.
    """
    with transaction.atomic():
        _lock_users(creator.pk)
        if _is_linked(creator):
            raise InviteError(_("You are already linked with a partner."))
        now = timezone.now()
        Invite.objects.filter(
            creator=creator, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        code = new_code()
        invite = Invite.objects.create(
            creator=creator,
            code_digest=code_digest(code),
            created_at=now,
            expires_at=now + timedelta(hours=settings.INVITE_LIFETIME_HOURS),
        )
    return invite, code


def revoke_invite(*, creator):
    """Revoke the creator's open invite. Revoking nothing is not an error."""
    with transaction.atomic():
        return Invite.objects.filter(
            creator=creator, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())


# pg_advisory_xact_lock(class, object): this class holds "invite guesses of person <id>".
_GUESSES_LOCK_CLASS = 0x4349  # "CI"
_NO_MATCH = gettext_lazy("That code does not match an invite. Check it and try again.")


def _serialize_guesses(user):
    """One person's code attempts, one at a time, across every process: the
    count and the record of an attempt happen under this lock, so parallel
    requests cannot all read the same count. An advisory lock rather than the
    person's row: accepting later locks both people's rows in id order, and two
    people accepting each other's invites at once must not deadlock on a row one
    of them took first. (SQLite, development only, serializes writers itself.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_GUESSES_LOCK_CLASS, user.pk % 2**31],  # int4; a collision only serializes
            )


def _forget_old_attempts(window_start):
    # Rows another transaction is deleting are skipped, never waited on.
    old = list(
        InviteAttempt.objects.filter(attempted_at__lt=window_start)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:500]
    )
    if old:
        InviteAttempt.objects.filter(pk__in=old).delete()


def _check_throttle(*, user):
    """Only the person's own attempts count: a code is never refused because
    someone else behind the same address guessed wrong (docs/decisions.md)."""
    minutes = settings.INVITE_ATTEMPT_WINDOW_MINUTES
    window_start = timezone.now() - timedelta(minutes=minutes)
    _forget_old_attempts(window_start)
    attempts = InviteAttempt.objects.filter(user=user, attempted_at__gte=window_start).count()
    if attempts >= settings.INVITE_ATTEMPT_LIMIT:
        raise Throttled(
            ngettext(
                "Too many codes that did not match. Please wait %(minutes)d minute and try again.",
                "Too many codes that did not match. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes}
        )


def accept_invite(*, user, code):
    """Link ``user`` with the invite's creator. Returns the new couple.

    Every refusal raises ``InviteError`` (or ``Throttled``) and changes nothing,
    except that every code that was looked at and refused (no such invite, or one
    used, withdrawn, expired or the person's own) counts as an attempt. Counting
    and recording happen in one transaction under the person's lock, so the limit
    is exact under parallel requests.
    """
    code = normalize_code(code)
    with transaction.atomic():
        _serialize_guesses(user)
        _check_throttle(user=user)
        if _is_linked(user):
            # Said before the code is looked at: no answer here depends on it.
            raise InviteError(_("You are already linked with a partner. Unlink first."))
        try:
            with transaction.atomic():
                return _accept(user=user, code=code)
        except InviteError as error:
            refusal = error
        InviteAttempt.objects.create(user=user)
    raise refusal


def _accept(*, user, code):
    if not is_well_formed(code):
        raise InviteError(_NO_MATCH)
    digest = code_digest(code)
    creator_id = Invite.objects.filter(code_digest=digest).values_list("creator_id", flat=True)
    creator_id = creator_id.first()
    if creator_id is None:
        raise InviteError(_NO_MATCH)
    # Both people's rows first, in id order, and only then the invite: two people
    # accepting each other's invites at the same moment queue here, where taking
    # an invite row first deadlocked (each revokes the other's invite at the end).
    _lock_users(user.pk, creator_id)
    invite = (
        Invite.objects.select_for_update().select_related("creator").filter(code_digest=digest)
    ).first()
    if invite is None:  # the creator's account was deleted meanwhile
        raise InviteError(_NO_MATCH)
    if invite.creator_id == user.pk:
        raise InviteError(_("This is your own invite: send it to your partner to accept."))
    if invite.accepted_at is not None:
        raise InviteError(_("This invite has already been used. Ask for a new one."))
    if invite.revoked_at is not None:
        raise InviteError(_("This invite was withdrawn. Ask for a new one."))
    if invite.is_expired():
        raise InviteError(_("This invite has expired. Ask for a new one."))
    if _is_linked(user):
        raise InviteError(_("You are already linked with a partner. Unlink first."))
    if _is_linked(invite.creator):
        raise InviteError(_("This invite is no longer available."))
    now = timezone.now()
    couple = Couple.objects.create(created_at=now)
    Membership.objects.bulk_create(
        [
            Membership(couple=couple, user_id=invite.creator_id, joined_at=now),
            Membership(couple=couple, user=user, joined_at=now),
        ]
    )
    invite.accepted_at = now
    invite.accepted_by = user
    invite.save(update_fields=["accepted_at", "accepted_by"])
    # The person who accepted may have had an invite of their own out: it is moot now.
    Invite.objects.filter(creator=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    # Both people's dashboards switch to linked (the inviter's open page too).
    broadcast.space_switched(users=[invite.creator_id, user.pk])
    return couple


def unlink(*, user):
    """End the user's couple, alone and at once. Each keeps what they wrote."""
    with transaction.atomic():
        membership = Membership.objects.current().select_for_update().filter(user=user).first()
        if membership is None:
            raise DomainError(_("You are not linked with anyone."))
        now = timezone.now()
        couple = membership.couple
        Membership.objects.current().filter(couple=couple).update(left_at=now)
        Couple.objects.filter(pk=couple.pk).update(dissolved_at=now)
        # An ask still open can no longer be answered: it ends, quietly.
        Ask.objects.filter(couple=couple, state=Ask.OPEN).update(state=Ask.ENDED, closed_at=now)
        # What each chose to share of their patterns was for this couple only.
        PatternSharing.objects.filter(couple=couple).delete()
        # Both dashboards switch to not linked; their sockets leave the couple group.
        partners = list(Membership.objects.filter(couple=couple).values_list("user_id", flat=True))
        # Notifications were chosen for this partner: they end with the couple.
        notifications.forget_devices(*partners)
        broadcast.space_switched(users=partners)
    return couple
