"""Choosing what to share of my own patterns (issue 14, item 2).

Privacy rules, the same as for the ways to be close (``services/alternatives``):
- My choice is mine alone until my partner has chosen too. Until both have,
  nothing anybody else can fetch changes: the couple part stays the same empty
  element, and nothing is pushed to the couple.
- ``view_changed`` (the couple view appeared, went, or shows other parts) is
  the only news for the partner; only then is the couple part pushed, to both.
  A push on every choice would itself tell "they just chose something".
- Withdrawing deletes my row at once: the couple view goes from both screens
  (live) and from the next brief (built on request).
- Every call runs the same queries and returns the same to the caller whatever
  the partner chose, except ``view_changed``.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime import broadcast

from ..access import Space
from ..domain.errors import DomainError, Invalid
from ..models import PATTERN_PARTS, Couple, PatternSharing


class NothingChosen(Invalid):
    pass


@dataclass(frozen=True)
class SharingResult:
    parts: tuple  # what I share now (empty: nothing)
    view_changed: bool  # the couple view changed: the only news for the partner


def _view(rows: dict, people) -> tuple | None:
    """What the couple view shows of whom, or ``None`` when it does not exist."""
    if any(person.pk not in rows for person in people):
        return None
    return tuple(rows[person.pk].parts for person in people)


@transaction.atomic
def choose_sharing(*, space: Space, parts) -> SharingResult:
    """Share these ``parts`` of my own summary (replacing what I chose
    before), or nothing with an empty ``parts`` (withdraw: at once)."""
    chosen = set(parts)
    unknown = chosen - set(PATTERN_PARTS)
    if unknown:
        raise NothingChosen(_("Please choose among the parts listed."))
    # Serialize both partners' choices in one couple: two opting in at the same
    # moment both see the couple view appear (and it is pushed once each).
    couple = Couple.objects.select_for_update().get(pk=space.couple.pk)
    if couple.dissolved_at is not None:
        raise DomainError(_("You are no longer linked, so there is nobody to share with."))
    people = sorted(space.people, key=lambda person: person.pk)
    rows = {
        row.person_id: row
        for row in PatternSharing.objects.filter(
            couple=couple, person_id__in=[p.pk for p in people]
        )
    }
    before = _view(rows, people)
    if not chosen:
        PatternSharing.objects.filter(couple=couple, person=space.me).delete()
        rows.pop(space.me.pk, None)
    else:
        flags = {part: part in chosen for part in PATTERN_PARTS}
        rows[space.me.pk], _created = PatternSharing.objects.update_or_create(
            couple=couple, person=space.me, defaults={**flags, "updated_at": timezone.now()}
        )
    after = _view(rows, people)
    now = rows[space.me.pk].parts if space.me.pk in rows else ()
    view_changed = before != after
    if view_changed:
        broadcast.part_changed(couple=couple, parts=["shared-patterns"])
    return SharingResult(parts=now, view_changed=view_changed)


def stop_sharing(*, space: Space) -> SharingResult:
    return choose_sharing(space=space, parts=())
