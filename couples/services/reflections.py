"""Writes to a person's private journal. Only the author ever reaches a row:
every function takes the acting person and looks the reflection up among
*their own* rows, so a stranger's id behaves exactly like a missing one.

Live sync pushes the ``reflections`` part to ``user.<id>`` only.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from realtime import broadcast

from ..access import get_own_reflection
from ..domain.errors import Invalid, NotFound, check_version
from ..domain.tags import normalise_tags
from ..models import Reflection

EDITABLE_FIELDS = (*Reflection.TEXT_FIELDS, "bring_to_therapy")


class EmptyReflection(Invalid):
    def __init__(self):
        super().__init__(_("Write at least a few words, or pick a need or a story, before saving."))


def _locked_own(author, reflection_id):
    return get_own_reflection(author, reflection_id, lock=True)


def _apply(reflection, values):
    for name in EDITABLE_FIELDS:
        if name in values:
            value = values[name]
            if name == "tags":
                value = normalise_tags(value)
            setattr(reflection, name, value if name == "bring_to_therapy" else (value or ""))
    if not any(getattr(reflection, name).strip() for name in Reflection.TEXT_FIELDS):
        raise EmptyReflection()
    reflection.full_clean(exclude=["author"])


def _changed(author):
    # Private: only ever the author's own devices (user.<id>), never the couple.
    broadcast.own_part_changed(user=author, parts=["reflections"])


@transaction.atomic
def write_reflection(*, author, **values) -> Reflection:
    if not author.is_authenticated:
        raise NotFound(_("No such reflection."))
    reflection = Reflection(author=author)
    _apply(reflection, values)
    reflection.save()
    _changed(author)
    return reflection


@transaction.atomic
def update_reflection(*, author, reflection_id: int, version, **values) -> Reflection:
    reflection = _locked_own(author, reflection_id)
    check_version(reflection.version, version, what=_("this reflection (on another device)"))
    _apply(reflection, values)
    reflection.version += 1
    reflection.save()
    _changed(author)
    return reflection


@transaction.atomic
def set_bring_to_therapy(*, author, reflection_id: int, bring: bool) -> Reflection:
    reflection = _locked_own(author, reflection_id)
    if reflection.bring_to_therapy != bool(bring):
        reflection.bring_to_therapy = bool(bring)
        reflection.version += 1
        reflection.save(update_fields=["bring_to_therapy", "version", "updated_at"])
        _changed(author)
    return reflection


@transaction.atomic
def delete_reflection(*, author, reflection_id: int) -> None:
    _locked_own(author, reflection_id).delete()
    _changed(author)
