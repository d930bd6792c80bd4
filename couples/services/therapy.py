"""Therapy-session preparation: planning a session and its shared agenda.

Both partners add topics, reorder them and mark them discussed. A topic
belongs to whoever added it, so only its author removes it. Every agenda write
locks the session row first (``select_for_update``): two partners reordering at
the same moment are applied one after the other, each on the order the other
left, so no topic is lost or duplicated.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from realtime import broadcast

from ..access import current_space
from ..models import AgendaTopic, TherapySession
from ..models.therapy import THERAPIST_NAME_MAX, TOPIC_NOTE_MAX, TOPIC_TEXT_MAX
from . import ServiceError, check_version


class TherapyError(ServiceError):
    status = 422


class NotYours(ServiceError):
    status = 403


class NotFound(ServiceError):
    """The thing is not (or no longer) in the person's current shared space."""

    status = 404


def _space(user):
    space = current_space(user)
    if space is None:
        raise NotFound("You are not linked with a partner, so there is no shared agenda.")
    return space


def _clean_text(value, *, limit, what, required=True):
    value = (value or "").strip()
    if required and not value:
        raise TherapyError(f"Please write {what}.")
    if len(value) > limit:
        raise TherapyError(f"Please keep {what} to {limit} characters (it has {len(value)}).")
    return value


def _lock_session(user, session_id):
    """The session, row-locked, if it belongs to the user's current couple."""
    space = _space(user)
    session = (
        TherapySession.objects.select_for_update()
        .filter(pk=session_id, couple=space.couple)
        .first()
    )
    if session is None:
        raise NotFound("That session is not in your shared space.")
    return session


def _locked_topic(user, topic_id):
    space = _space(user)
    session_id = (
        AgendaTopic.objects.filter(pk=topic_id, session__couple=space.couple)
        .values_list("session_id", flat=True)
        .first()
    )
    if session_id is None:
        raise NotFound("That topic is not on your agenda any more.")
    session = _lock_session(user, session_id)
    # Re-read under the session lock: it may have been removed meanwhile.
    topic = AgendaTopic.objects.filter(pk=topic_id, session=session).first()
    if topic is None:
        raise NotFound("That topic is not on your agenda any more.")
    return session, topic


def _changed(couple_id):
    # Both partners' dashboards show the upcoming session's agenda (part "therapy").
    broadcast.part_changed(couple=couple_id, parts=["therapy"])


def plan_session(*, user, planned_for, therapist_name=""):
    """Plan a session for the user's current couple."""
    if not isinstance(planned_for, date):
        raise TherapyError("Please choose the day of the session.")
    therapist_name = _clean_text(
        therapist_name, limit=THERAPIST_NAME_MAX, what="the therapist's name", required=False
    )
    with transaction.atomic():
        space = _space(user)
        session = TherapySession.objects.create(
            couple=space.couple,
            created_by=user,
            planned_for=planned_for,
            therapist_name=therapist_name,
        )
        _changed(session.couple_id)
        return session


def update_session(*, user, session_id, planned_for, therapist_name="", expected_version):
    """Change a session's day or therapist; either partner may. Stale forms get 409."""
    if not isinstance(planned_for, date):
        raise TherapyError("Please choose the day of the session.")
    therapist_name = _clean_text(
        therapist_name, limit=THERAPIST_NAME_MAX, what="the therapist's name", required=False
    )
    with transaction.atomic():
        session = _lock_session(user, session_id)
        check_version(session.version, expected_version, what="this session")
        session.planned_for = planned_for
        session.therapist_name = therapist_name
        session.version += 1
        session.save(update_fields=["planned_for", "therapist_name", "version"])
        _changed(session.couple_id)
        return session


def add_topic(*, user, session_id, text, note=""):
    """Add a topic at the end of the agenda, written by ``user``."""
    text = _clean_text(text, limit=TOPIC_TEXT_MAX, what="the topic")
    note = _clean_text(note, limit=TOPIC_NOTE_MAX, what="the note", required=False)
    with transaction.atomic():
        session = _lock_session(user, session_id)
        last = session.topics.aggregate(last=Max("position"))["last"]
        topic = AgendaTopic.objects.create(
            session=session,
            couple_id=session.couple_id,
            added_by=user,
            text=text,
            note=note,
            position=0 if last is None else last + 1,
        )
        _changed(session.couple_id)
        return topic


def move_topic(*, user, topic_id, direction):
    """Swap a topic with its neighbour above (``"up"``) or below (``"down"``).

    Either partner may reorder. At the top (or bottom) already, nothing changes.
    """
    if direction not in {"up", "down"}:
        raise TherapyError("A topic can move up or down.")
    with transaction.atomic():
        session, topic = _locked_topic(user, topic_id)
        neighbours = session.topics.exclude(pk=topic.pk)
        if direction == "up":
            other = neighbours.filter(position__lt=topic.position).order_by("-position").first()
        else:
            other = neighbours.filter(position__gt=topic.position).order_by("position").first()
        if other is None:
            return topic
        topic.position, other.position = other.position, topic.position
        AgendaTopic.objects.bulk_update([topic, other], ["position"])
        _changed(session.couple_id)
        return topic


def remove_topic(*, user, topic_id):
    """Remove a topic from the agenda: only the person who added it may."""
    with transaction.atomic():
        session, topic = _locked_topic(user, topic_id)
        if topic.added_by_id != user.pk:
            raise NotYours(
                "Only the person who added a topic can remove it. "
                "You can mark it discussed, or talk about it together."
            )
        topic.delete()
        _changed(session.couple_id)


def set_discussed(*, user, topic_id, discussed):
    """Mark a topic discussed (or not yet); either partner may. Idempotent."""
    with transaction.atomic():
        session, topic = _locked_topic(user, topic_id)
        if discussed and topic.discussed_at is None:
            topic.discussed_at = timezone.now()
        elif not discussed:
            topic.discussed_at = None
        topic.save(update_fields=["discussed_at"])
        _changed(session.couple_id)
        return topic
