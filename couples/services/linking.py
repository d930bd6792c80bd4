"""Linking two accounts into a couple, and unlinking."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from realtime import broadcast

from ..domain.errors import DomainError, Invalid, Throttled
from ..domain.invite_codes import is_well_formed, new_code, normalize_code
from ..models import Ask, Couple, Invite, InviteAttempt, Membership


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
            raise InviteError("You are already linked with a partner.")
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


def _check_throttle(*, user, ip_address):
    window_start = timezone.now() - timedelta(minutes=settings.INVITE_ATTEMPT_WINDOW_MINUTES)
    InviteAttempt.objects.filter(attempted_at__lt=window_start).delete()
    recent = InviteAttempt.objects.filter(attempted_at__gte=window_start)
    limit = settings.INVITE_ATTEMPT_LIMIT
    by_user = recent.filter(user=user).count()
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # An address may be shared (a household, a carrier NAT): allow it a few people's worth.
    if by_user >= limit or by_ip >= limit * 4:
        minutes = settings.INVITE_ATTEMPT_WINDOW_MINUTES
        raise Throttled(
            f"Too many codes that did not match. Please wait {minutes} minutes and try again."
        )


class _UnknownCode(InviteError):
    pass


def accept_invite(*, user, code, ip_address=""):
    """Link ``user`` with the invite's creator. Returns the new couple.

    Every refusal raises ``InviteError`` (or ``Throttled``) and changes nothing,
    except that a code matching no invite is counted against the guesser.
    """
    _check_throttle(user=user, ip_address=ip_address)
    code = normalize_code(code)
    try:
        with transaction.atomic():
            return _accept(user=user, code=code)
    except _UnknownCode:
        InviteAttempt.objects.create(user=user, ip_address=ip_address)
        raise


def _accept(*, user, code):
    if not is_well_formed(code):
        raise _UnknownCode("That code does not match an invite. Check it and try again.")
    invite = (
        Invite.objects.select_for_update()
        .select_related("creator")
        .filter(code_digest=code_digest(code))
        .first()
    )
    if invite is None:
        raise _UnknownCode("That code does not match an invite. Check it and try again.")
    if invite.creator_id == user.pk:
        raise InviteError("This is your own invite: send it to your partner to accept.")
    if invite.accepted_at is not None:
        raise InviteError("This invite has already been used. Ask for a new one.")
    if invite.revoked_at is not None:
        raise InviteError("This invite was withdrawn. Ask for a new one.")
    if invite.is_expired():
        raise InviteError("This invite has expired. Ask for a new one.")
    _lock_users(user.pk, invite.creator_id)
    if _is_linked(user):
        raise InviteError("You are already linked with a partner. Unlink first.")
    if _is_linked(invite.creator):
        raise InviteError("This invite is no longer available.")
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
            raise DomainError("You are not linked with anyone.")
        now = timezone.now()
        couple = membership.couple
        Membership.objects.current().filter(couple=couple).update(left_at=now)
        Couple.objects.filter(pk=couple.pk).update(dissolved_at=now)
        # An ask still open can no longer be answered: it ends, quietly.
        Ask.objects.filter(couple=couple, state=Ask.OPEN).update(state=Ask.ENDED, closed_at=now)
        # Both dashboards switch to not linked; their sockets leave the couple group.
        partners = Membership.objects.filter(couple=couple).values_list("user_id", flat=True)
        broadcast.space_switched(users=list(partners))
    return couple
