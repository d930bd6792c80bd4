"""Deleting an account: everything the person wrote goes, the partner keeps theirs.

Order matters and lives in one place, ``delete_account``:
1. The couple is dissolved first through the ordinary unlink service, so the
   partner's space turns "not linked" exactly as after an unlink (live, after
   commit), and this person's sockets are asked to re-check and close.
2. Sessions the person planned that hold nobody else's topics are deleted;
   sessions that hold the partner's topics stay (``created_by`` becomes null) so
   the partner keeps what they wrote. Likewise the ways to be close the person
   proposed: those the partner answered or asked for stay (``author`` null, the
   name kept, in the dissolved couple's list) so the partner's answers keep what
   they answered; the rest are deleted.
3. Every Django session of the person is deleted, found through allauth's
   user sessions (one row per signed-in session), so every device is signed
   out without reading anybody else's session.
4. Login records kept by django-axes under the person's addresses are deleted.
5. The user row is deleted; the database cascades to everything they wrote:
   statements (with their revisions and the questions asked about them),
   questions they asked, timing grids, reflections, agenda topics, invites,
   invite attempts, memberships, email addresses; and the moment: the asks
   they made, their answers to the partner's asks (every word of their decline
   cards) and the rain checks they offered. What stays by design: the
   partner's own rows, the dissolved ``Couple`` row they reference, and an
   invite the partner made that this person once accepted (``accepted_by`` null).
   An ask and its answer are one exchange, like a question and its answer: the
   partner's answers to this person's asks go with the asks, while the partner's
   own asks that this person answered stay (without the answer), and the
   partner's rain checks stay (``answer`` null).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.sessions import end_all_sessions
from realtime import broadcast

from ..domain.errors import Invalid
from ..models import (
    AgendaTopic,
    AlternativeActivity,
    AlternativeAnswer,
    Ask,
    Membership,
    TherapySession,
)
from . import linking as linking_service


class WrongPassword(Invalid):
    pass


def delete_account(*, user, password=None, confirmed_just_now=False):
    """Delete ``user`` and everything they wrote, after checking it is them.

    Either the caller saw a confirmation by any factor a moment ago
    (``confirmed_just_now``: accounts.reauth.confirmed_just_now, allauth's
    re-authentication record; how a person who logs in only with a passkey
    deletes their account), or the password is given here. A wrong or missing
    password without that raises ``WrongPassword`` and deletes nothing.
    """
    if not confirmed_just_now and (not password or not user.check_password(password)):
        raise WrongPassword(_("That password does not match. Nothing was deleted."))
    User = get_user_model()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if Membership.objects.current().filter(user=user).exists():
            # The partner's dashboard switches to "not linked" (live, after commit).
            linking_service.unlink(user=user)
        # After commit this person's sockets re-check their session, find no such
        # person any more and close, on every device.
        broadcast.session_changed(user=user.pk)
        _delete_sessions_planned_alone(user)
        _delete_proposals_nobody_else_needs(user)
        _end_django_sessions(user)
        _forget_login_records(user)
        user_id = user.pk
        user.delete()
    return user_id


def _delete_sessions_planned_alone(user):
    """A session the person planned goes with them unless it holds someone else's topic."""
    others_topic = AgendaTopic.objects.filter(session=OuterRef("pk")).exclude(added_by=user)
    TherapySession.objects.filter(created_by=user).exclude(Exists(others_topic)).delete()


def _delete_proposals_nobody_else_needs(user):
    """A way to be close the person proposed goes with them, unless the partner
    answered it or asked for it: then it stays in the dissolved couple's list,
    with its name and without an author, so the partner's answers and asks keep
    their meaning (docs/decisions.md, "Nothing lost")."""
    answered_by_others = AlternativeAnswer.objects.filter(activity=OuterRef("pk")).exclude(
        user=user
    )
    asked_by_others = Ask.objects.filter(activity=OuterRef("pk")).exclude(asker=user)
    AlternativeActivity.objects.filter(author=user).exclude(Exists(answered_by_others)).exclude(
        Exists(asked_by_others)
    ).delete()


def _end_django_sessions(user):
    """Delete every stored session signed in as ``user`` (all devices), by the
    user-session rows that name them: no other session is read or locked."""
    end_all_sessions(user)


def _forget_login_records(user):
    """django-axes keeps login attempts and logins under the typed address."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    addresses = {user.email.lower()}
    addresses.update(
        address.lower() for address in user.emailaddress_set.values_list("email", flat=True)
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for address in addresses:
            model.objects.filter(username__iexact=address).delete()
