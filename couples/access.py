"""Who may see what: the one place that answers it.

Every view and (later) every consumer asks here. A helper returns the thing for
a member and raises ``Http404`` for everyone else, so a stranger cannot tell a
foreign object from a missing one.
"""

from dataclasses import dataclass

from django.http import Http404

from .models import Couple, Membership


@dataclass(frozen=True)
class Space:
    """What one signed-in person shares right now: their couple and partner."""

    me: object
    couple: Couple
    partner: object


def current_space(user):
    """The user's current couple and partner, or ``None`` when not linked."""
    if not user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.current()
        .filter(couple__memberships__user=user, couple__memberships__left_at__isnull=True)
        .select_related("couple", "user")
    )
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    partner = next((m.user for m in memberships if m.user_id != user.pk), None)
    if mine is None or partner is None:
        return None
    return Space(me=user, couple=mine.couple, partner=partner)


def get_space_for_member(user):
    """The user's current space; 404 for anyone who is not in a couple."""
    space = current_space(user)
    if space is None:
        raise Http404("Not linked.")
    return space


def get_couple_for_member(user, couple_id=None):
    """The couple for one of its current members; 404 for everyone else."""
    space = get_space_for_member(user)
    if couple_id is not None and space.couple.pk != couple_id:
        raise Http404("No such couple.")
    return space.couple


def is_member(user, couple_id):
    space = current_space(user)
    return space is not None and space.couple.pk == couple_id


def get_alternative_for_member(user, activity_id):
    """An activity the user's current couple can see, with the space; 404 otherwise.

    Catalogue activities are visible to every linked person; a proposal only to
    the couple it was proposed in. The 404 never says which case applied.
    """
    from .models import AlternativeActivity

    space = get_space_for_member(user)
    try:
        activity = AlternativeActivity.objects.for_couple(space.couple).get(pk=activity_id)
    except (AlternativeActivity.DoesNotExist, ValueError, TypeError):
        raise Http404("No such activity.") from None
    return space, activity
