"""Writes to a person's private journal. Only the author ever reaches a row:
every function takes the acting person and looks the reflection up among
*their own* rows, so a stranger's id behaves exactly like a missing one.

Live sync (later) may push the ``reflections`` part to ``user.<id>`` only.
"""

from django.db import transaction
from django.http import Http404

from realtime import broadcast

from ..models import Reflection
from . import ServiceError, check_version

EDITABLE_FIELDS = (*Reflection.TEXT_FIELDS, "bring_to_therapy")


class EmptyReflection(ServiceError):
    status = 422

    def __init__(self):
        super().__init__("Write at least a few words, or pick a need or a story, before saving.")


def normalise_tags(text):
    """Comma-separated, trimmed, de-duplicated (case-insensitively), order kept."""
    seen, tags = set(), []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return ", ".join(tags)


def _locked_own(author, reflection_id):
    reflection = (
        Reflection.objects.select_for_update().filter(author=author, pk=reflection_id).first()
    )
    if reflection is None:
        raise Http404("No such reflection.")
    return reflection


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
def write_reflection(*, author, **values):
    if not author.is_authenticated:
        raise Http404("No such reflection.")
    reflection = Reflection(author=author)
    _apply(reflection, values)
    reflection.save()
    _changed(author)
    return reflection


@transaction.atomic
def update_reflection(*, author, reflection_id, version, **values):
    reflection = _locked_own(author, reflection_id)
    check_version(reflection.version, version, what="this reflection (on another device)")
    _apply(reflection, values)
    reflection.version += 1
    reflection.save()
    _changed(author)
    return reflection


@transaction.atomic
def set_bring_to_therapy(*, author, reflection_id, bring):
    reflection = _locked_own(author, reflection_id)
    if reflection.bring_to_therapy != bool(bring):
        reflection.bring_to_therapy = bool(bring)
        reflection.version += 1
        reflection.save(update_fields=["bring_to_therapy", "version", "updated_at"])
        _changed(author)
    return reflection


@transaction.atomic
def delete_reflection(*, author, reflection_id):
    _locked_own(author, reflection_id).delete()
    _changed(author)
