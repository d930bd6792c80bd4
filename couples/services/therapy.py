"""Therapy-session preparation: planning a session and its shared agenda.

Both partners add topics, reorder them and mark them discussed. A topic
belongs to whoever added it, so only its author removes it. Every agenda write
locks the session row first (``select_for_update``): two partners reordering at
the same moment are applied one after the other, each on the order the other
left, so no topic is lost or duplicated.
"""

import secrets
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.timezones import zone_of
from realtime import broadcast

from ..access import (
    Space,
    get_therapist_link_for_member,
    get_therapy_session_for_member,
    own_reflections,
    therapist_token_hash,
)
from ..domain.errors import DomainError, Forbidden, Invalid, NotFound, check_version
from ..models import (
    AgendaTopic,
    NoticeKind,
    TherapistLink,
    TherapistLinkConsent,
    TherapistLinkPick,
    TherapistLinkView,
    TherapySession,
)
from ..models.therapy import (
    THERAPIST_LINK_DAYS_DEFAULT,
    THERAPIST_LINK_DAYS_MAX,
    THERAPIST_NAME_MAX,
    TOPIC_NOTE_MAX,
    TOPIC_TEXT_MAX,
)
from . import notifications


class TherapyError(Invalid):
    pass


class NotYours(Forbidden):
    pass


class Gone(DomainError):
    """A therapist link that was revoked or has expired: it stays that way."""

    status = 410


def _clean_text(value, *, limit, what, required=True):
    value = (value or "").strip()
    if required and not value:
        raise TherapyError(_("Please write %(what)s.") % {"what": what})
    if len(value) > limit:
        raise TherapyError(
            _("Please keep %(what)s to %(limit)d characters (it has %(count)d).")
            % {"what": what, "limit": limit, "count": len(value)}
        )
    return value


def _lock_session(space, session_id):
    """The session, row-locked, if it belongs to the person's current couple."""
    return get_therapy_session_for_member(space, session_id, lock=True)


def _locked_topic(space, topic_id):
    session_id = (
        AgendaTopic.objects.filter(pk=topic_id, session__couple=space.couple)
        .values_list("session_id", flat=True)
        .first()
    )
    if session_id is None:
        raise NotFound(_("That topic is not on your agenda any more."))
    session = _lock_session(space, session_id)
    # Re-read under the session lock: it may have been removed meanwhile.
    topic = AgendaTopic.objects.filter(pk=topic_id, session=session).first()
    if topic is None:
        raise NotFound(_("That topic is not on your agenda any more."))
    return session, topic


def _changed(couple_id):
    # Both partners' dashboards show the upcoming session's agenda (part "therapy").
    broadcast.part_changed(couple=couple_id, parts=["therapy"])


def _agenda_changed(space: Space, session) -> None:
    """The agenda changed: the partner may have chosen to hear of it, in the
    day before the session (in their own time zone), once per session."""
    _changed(session.couple_id)
    today = timezone.now().astimezone(zone_of(space.partner)).date()
    if 0 <= (session.planned_for - today).days <= 1:
        notifications.announce(
            kind=NoticeKind.AGENDA,
            person_id=space.partner.pk,
            about_id=session.pk,
            key=f"agenda:{session.pk}",
        )


def plan_session(*, space: Space, planned_for, therapist_name: str = "") -> TherapySession:
    """Plan a session for the person's current couple."""
    if not isinstance(planned_for, date):
        raise TherapyError(_("Please choose the day of the session."))
    therapist_name = _clean_text(
        therapist_name, limit=THERAPIST_NAME_MAX, what=_("the therapist's name"), required=False
    )
    with transaction.atomic():
        session = TherapySession.objects.create(
            couple=space.couple,
            created_by=space.me,
            planned_for=planned_for,
            therapist_name=therapist_name,
        )
        _changed(session.couple_id)
        return session


def update_session(
    *, space: Space, session_id: int, planned_for, therapist_name: str = "", expected_version
) -> TherapySession:
    """Change a session's day or therapist; either partner may. Stale forms get 409."""
    if not isinstance(planned_for, date):
        raise TherapyError(_("Please choose the day of the session."))
    therapist_name = _clean_text(
        therapist_name, limit=THERAPIST_NAME_MAX, what=_("the therapist's name"), required=False
    )
    with transaction.atomic():
        session = _lock_session(space, session_id)
        check_version(session.version, expected_version, what=_("this session"))
        session.planned_for = planned_for
        session.therapist_name = therapist_name
        session.version += 1
        session.save(update_fields=["planned_for", "therapist_name", "version"])
        _changed(session.couple_id)
        return session


def add_topic(*, space: Space, session_id: int, text: str, note: str = "") -> AgendaTopic:
    """Add a topic at the end of the agenda, written by ``space.me``."""
    text = _clean_text(text, limit=TOPIC_TEXT_MAX, what=_("the topic"))
    note = _clean_text(note, limit=TOPIC_NOTE_MAX, what=_("the note"), required=False)
    with transaction.atomic():
        session = _lock_session(space, session_id)
        last = session.topics.aggregate(last=Max("position"))["last"]
        topic = AgendaTopic.objects.create(
            session=session,
            couple_id=session.couple_id,
            added_by=space.me,
            text=text,
            note=note,
            position=0 if last is None else last + 1,
        )
        _agenda_changed(space, session)
        return topic


def move_topic(*, space: Space, topic_id: int, direction: str) -> AgendaTopic:
    """Swap a topic with its neighbour above (``"up"``) or below (``"down"``)
    among the topics still to discuss (or, for a discussed one, among those).

    Either partner may reorder. At the top (or bottom) already, nothing changes.
    """
    if direction not in {"up", "down"}:
        raise TherapyError(_("A topic can move up or down."))
    with transaction.atomic():
        session, topic = _locked_topic(space, topic_id)
        # Open topics are ordered among themselves; discussed ones are history.
        neighbours = session.topics.exclude(pk=topic.pk).filter(
            discussed_at__isnull=topic.discussed_at is None
        )
        if direction == "up":
            other = neighbours.filter(position__lt=topic.position).order_by("-position").first()
        else:
            other = neighbours.filter(position__gt=topic.position).order_by("position").first()
        if other is None:
            return topic
        topic.position, other.position = other.position, topic.position
        AgendaTopic.objects.bulk_update([topic, other], ["position"])
        _agenda_changed(space, session)
        return topic


def remove_topic(*, space: Space, topic_id: int) -> None:
    """Remove a topic from the agenda: only the person who added it may."""
    with transaction.atomic():
        session, topic = _locked_topic(space, topic_id)
        if topic.added_by_id != space.me.pk:
            raise NotYours(
                _(
                    "Only the person who added a topic can remove it. "
                    "You can mark it discussed, or talk about it together."
                )
            )
        topic.delete()
        _agenda_changed(space, session)


def set_discussed(*, space: Space, topic_id: int, discussed: bool) -> AgendaTopic:
    """Mark a topic discussed (or not yet); either partner may. Idempotent."""
    with transaction.atomic():
        session, topic = _locked_topic(space, topic_id)
        if discussed and topic.discussed_at is None:
            topic.discussed_at = timezone.now()
        elif not discussed:
            topic.discussed_at = None
        topic.save(update_fields=["discussed_at"])
        _changed(session.couple_id)
        return topic


# --- A therapist's copy ------------------------------------------------------------


def create_therapist_link(
    *, space: Space, session_id: int, therapist_name: str, days: int = THERAPIST_LINK_DAYS_DEFAULT
):
    """A read-only link to the session's shared brief, for a named therapist.

    Returns ``(link, token)``; the token exists only in this return value (only
    its SHA-256 is stored), so the person sees the link once. The creator's
    consent comes with it; it works only once the partner consents too.
    """
    therapist_name = _clean_text(
        therapist_name, limit=THERAPIST_NAME_MAX, what=_("the therapist's name")
    )
    if not isinstance(days, int) or not 1 <= days <= THERAPIST_LINK_DAYS_MAX:
        raise TherapyError(
            _("A link can work for 1 to %(max)d days.") % {"max": THERAPIST_LINK_DAYS_MAX}
        )
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        session = _lock_session(space, session_id)
        now = timezone.now()
        link = TherapistLink.objects.create(
            session=session,
            couple_id=session.couple_id,
            therapist_name=therapist_name,
            token_hash=therapist_token_hash(token),
            created_by=space.me,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        TherapistLinkConsent.objects.create(link=link, person=space.me, consented_at=now)
        _changed(session.couple_id)
    return link, token


def _locked_link(space, link_id):
    link = get_therapist_link_for_member(space, link_id, lock=True)
    if link.revoked_at is not None:
        raise Gone(_("That link was revoked, so it no longer works."))
    return link


def consent_to_therapist_link(*, space: Space, link_id: int) -> TherapistLink:
    """The partner's yes (idempotent). A revoked or expired link cannot be revived."""
    with transaction.atomic():
        link = _locked_link(space, link_id)
        if not link.is_live():
            raise Gone(_("That link has expired. Either of you can make a new one."))
        created = TherapistLinkConsent.objects.get_or_create(link=link, person=space.me)[1]
        if created:
            _changed(link.couple_id)
        return link


def revoke_therapist_link(*, space: Space, link_id: int) -> TherapistLink:
    """Either partner, alone, at once: from this moment the link is a 404.
    Revoking a revoked link changes nothing."""
    with transaction.atomic():
        link = get_therapist_link_for_member(space, link_id, lock=True)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            _changed(link.couple_id)
        return link


def set_therapist_picks(*, space: Space, link_id: int, reflection_ids) -> TherapistLink:
    """Which of MY reflections go in this therapist's copy (replaces my picks;
    never touches the partner's). Only my own reflections flagged "bring to
    therapy" can be picked; any other id is refused as not found."""
    wanted = set()
    for value in reflection_ids:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            raise NotFound(_("No such reflection.")) from None
    with transaction.atomic():
        link = _locked_link(space, link_id)
        allowed = set(
            own_reflections(space.me)
            .filter(pk__in=wanted, bring_to_therapy=True)
            .values_list("pk", flat=True)
        )
        if allowed != wanted:
            raise NotFound(_("No such reflection."))
        TherapistLinkPick.objects.filter(link=link, owner=space.me).exclude(
            reflection_id__in=wanted
        ).delete()
        have = set(
            TherapistLinkPick.objects.filter(link=link, owner=space.me).values_list(
                "reflection_id", flat=True
            )
        )
        TherapistLinkPick.objects.bulk_create(
            TherapistLinkPick(link=link, owner=space.me, reflection_id=pk) for pk in wanted - have
        )
        # A pick is private until the therapist opens the link: nothing is pushed
        # (no page of the partner's shows it, and the dashboard does not either).
        return link


def record_therapist_view(*, link: TherapistLink, kind: str) -> TherapistLinkView:
    """The therapist opened the copy: kept to the minute, with no address, and
    shown to both partners."""
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        view = TherapistLinkView.objects.create(link=link, viewed_at=now, kind=kind)
        _changed(link.couple_id)
    return view
