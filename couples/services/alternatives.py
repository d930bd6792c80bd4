"""Agreed alternative activities: private answers, a shared list of mutual yeses.

Privacy rules (the product):
- A partner's answer is never revealed; the only thing the other learns is a
  *mutual* yes, because the activity then appears on the shared list.
- Every write runs the same queries whatever the partner answered, and returns
  the same thing to the caller, except ``agreed_changed``.
- ``agreed_changed`` is the only event the partner may ever be told about (the
  shared list changed). Live sync must push the shared "alternatives" part to
  the couple ONLY when it is true, and the private "my-answers" part only to the
  writer's own devices. Pushing on every answer would itself tell the partner
  "they just answered something" (a timing side channel).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime import broadcast

from ..access import Space, get_alternative_for_member
from ..domain.catalogue import catalogue_key_named
from ..domain.errors import DomainError, Invalid
from ..models import AgreedListChange, AlternativeActivity, AlternativeAnswer, Couple
from ..models.alternatives import ACTIVITY_NAME_MAX_LENGTH, name_key

NOT_ANSWERED = ""
ANSWERS = {AlternativeAnswer.YES, AlternativeAnswer.MAYBE, AlternativeAnswer.NO, NOT_ANSWERED}


class AlreadyListed(Invalid):
    """A proposal whose name is already on the couple's list (kindly refused)."""

    def __init__(self, activity):
        super().__init__(
            _(
                "“%(name)s” is already on your list, so there is nothing to add: "
                "you can answer it there whenever you like."
            )
            % {"name": activity.display_name}
        )
        self.activity = activity


@dataclass(frozen=True)
class AnswerResult:
    activity: AlternativeActivity
    answer: str  # "" when not answered
    agreed_changed: bool  # the shared list changed: the only news for the partner


def _lock_couple(space):
    """Serialize answers within one couple, so two partners saying yes at the
    same moment both see the activity become agreed (and the shared list is
    pushed once), and a write never lands in a couple dissolved meanwhile."""
    couple = Couple.objects.select_for_update().get(pk=space.couple.pk)
    if couple.dissolved_at is not None:
        raise DomainError(_("You are no longer linked, so there is nothing to answer."))
    return couple


@transaction.atomic
def answer_activity(
    *, space: Space, activity_id: int, answer: str, only_if_now: str | None = None
) -> AnswerResult:
    """Set (or clear, with ``""``) the user's private answer to one activity.

    With ``only_if_now``, the answer changes only if it currently is that value
    (a stale "take back my yes" never erases a later no or maybe).
    Unknown activities and other couples' proposals raise ``NotFound``.
    """
    if answer not in ANSWERS:
        raise DomainError(_("Please choose yes, maybe, no or not answered."))
    user = space.me
    activity = get_alternative_for_member(space, activity_id)
    couple = _lock_couple(space)
    answers = {
        a.user_id: a.answer
        for a in AlternativeAnswer.objects.filter(
            couple=couple, activity=activity, user__in=[space.me, space.partner]
        )
    }
    mine_before = answers.get(user.pk, NOT_ANSWERED)
    partner_yes = answers.get(space.partner.pk) == AlternativeAnswer.YES
    if only_if_now is not None and mine_before != only_if_now:
        answer = mine_before
    if answer == NOT_ANSWERED:
        AlternativeAnswer.objects.filter(user=user, couple=couple, activity=activity).delete()
    else:
        AlternativeAnswer.objects.update_or_create(
            user=user,
            couple=couple,
            activity=activity,
            defaults={"answer": answer, "updated_at": timezone.now()},
        )
    was_yes = mine_before == AlternativeAnswer.YES
    is_yes = answer == AlternativeAnswer.YES
    agreed_changed = partner_yes and was_yes != is_yes
    # The shared list is pushed only when it changed: a push on every answer would
    # itself tell the partner "they just answered something".
    if agreed_changed:
        # For the session brief and the weekly check-in: what joined or left the
        # agreed list, never who.
        AgreedListChange.objects.create(
            couple=couple,
            activity=activity,
            change=AgreedListChange.ADDED if is_yes else AgreedListChange.WITHDRAWN,
            on=timezone.localdate(),
        )
        broadcast.part_changed(couple=couple, parts=["alternatives", "moment"])
    if answer != mine_before:
        broadcast.own_part_changed(user=user, parts=["my-answers"])
    return AnswerResult(activity=activity, answer=answer, agreed_changed=agreed_changed)


def withdraw_yes(*, space: Space, activity_id: int) -> AnswerResult:
    """Take back one's yes at once: the answer goes back to "not answered".

    Neutral by design: nothing records or shows who withdrew.
    """
    return answer_activity(
        space=space,
        activity_id=activity_id,
        answer=NOT_ANSWERED,
        only_if_now=AlternativeAnswer.YES,
    )


def propose_activity(*, space: Space, name: str) -> AlternativeActivity:
    """Add an activity to the couple's list, for both partners to answer.

    The proposer's own answer is NOT set: proposing is not consenting, and
    absence of an answer is not a yes. The partner sees only a new activity to
    answer, never who proposed it.
    """
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Please give the activity a short name."))
    if len(name) > ACTIVITY_NAME_MAX_LENGTH:
        raise DomainError(
            _("Please keep the name to %(limit)d characters (it has %(length)d).")
            % {"limit": ACTIVITY_NAME_MAX_LENGTH, "length": len(name)}
        )
    key = name_key(name)
    try:
        with transaction.atomic():
            couple = _lock_couple(space)
            existing = AlternativeActivity.objects.for_couple(couple).filter(name_key=key).first()
            if existing is None:  # a catalogue activity named in the proposer's language
                catalogue_key = catalogue_key_named(name, name_key)
                if catalogue_key is not None:
                    existing = AlternativeActivity.objects.get(catalogue_key=catalogue_key)
            if existing is not None:
                raise AlreadyListed(existing)
            activity = AlternativeActivity.objects.create(name=name, couple=couple, author=space.me)
            # Both people's answer lists gain the activity at once, the same way:
            # nothing tells the partner who proposed it.
            for person in (space.me, space.partner):
                broadcast.own_part_changed(user=person, parts=["my-answers"])
            return activity
    except IntegrityError:  # pragma: no cover - the couple lock makes this a last resort
        existing = AlternativeActivity.objects.for_couple(space.couple).get(name_key=key)
        raise AlreadyListed(existing) from None
