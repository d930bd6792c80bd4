"""Homework between sessions: propose, accept, mark done, move through stages.

- Either partner proposes; it becomes the couple's only when the *other*
  accepts. A proposal not taken up is put aside, by the proposer (withdrawn)
  or the other (not now); nothing records which, nothing counts them.
- Either partner marks a time it was done (a day in their own time zone, an
  optional note) and either ends accepted homework.
- A staged exercise moves to its next stage only when both have confirmed the
  current one. Every write locks the homework row first (``select_for_update``),
  so two partners confirming at the same moment are applied one after the
  other: the second sees the first's confirmation and the stage advances
  exactly once. A confirmation names the stage it was given for, so a stale
  button never confirms a stage the person has not seen.

Every write asks for the shared "homework" part after commit. Two moments may
be told to the partner, only if they chose "homework" notifications themselves
(``notifications.announce``: discreet, once per key, quiet hours respected):
homework they proposed to answer, and an exercise that moved to its next stage
(told to the one who confirmed first; the second just saw it). Nothing else is
ever sent: no reminders to do it, nothing about a "not now" or a "ready".
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.timezones import zone_of
from realtime import broadcast

from ..access import Space, get_homework_for_member, get_therapy_session_for_member
from ..domain.errors import Conflict, Forbidden, Invalid
from ..domain.homework import exercise_for
from ..models import (
    Homework,
    HomeworkOccurrence,
    HomeworkState,
    NoticeKind,
    StageConfirmation,
)
from ..models.homework import HOMEWORK_TEXT_MAX, OCCURRENCE_NOTE_MAX
from . import notifications

# How far back a time may be marked done: last week's, remembered late, yes;
# a day months ago is a typo.
PAST_DAYS_ALLOWED = 31


class HomeworkError(Invalid):
    pass


class NotYours(Forbidden):
    pass


@dataclass(frozen=True)
class StageResult:
    homework: Homework
    advanced: bool  # both had confirmed: the exercise moved on (or finished)


def _clean(value, *, limit, required_message=None):
    value = (value or "").strip()
    if required_message and not value:
        raise HomeworkError(required_message)
    if len(value) > limit:
        raise HomeworkError(
            _("Please keep this to %(limit)d characters (it has %(count)d).")
            % {"limit": limit, "count": len(value)}
        )
    return value


def proposed_key(homework) -> str:
    return f"homework:{homework.pk}:proposed"


def moved_on_key(homework, stage: int) -> str:
    return f"homework:{homework.pk}:moved-on:{stage}"


def _changed(homework):
    broadcast.part_changed(couple=homework.couple_id, parts=["homework"])


def _locked(space, homework_id, *, state=None):
    homework = get_homework_for_member(space, homework_id, lock=True)
    if state is not None and homework.state != state:
        if state == HomeworkState.PROPOSED:
            raise Conflict(_("This proposal has already been answered or put aside."))
        raise Conflict(_("This homework is not under way any more."))
    return homework


def propose_homework(
    *, space: Space, text: str = "", exercise: str = "", session_id=None
) -> Homework:
    """Propose homework to the partner: free text, or a built-in staged
    exercise (with an optional word of one's own). Nothing is the couple's yet."""
    if exercise and exercise_for(exercise) is None:
        raise HomeworkError(_("Please choose one of the exercises listed."))
    text = _clean(
        text,
        limit=HOMEWORK_TEXT_MAX,
        required_message=None if exercise else _("Please write what the homework is."),
    )
    with transaction.atomic():
        session = None
        if session_id:
            session = get_therapy_session_for_member(space, session_id)
        homework = Homework.objects.create(
            couple=space.couple,
            proposed_by=space.me,
            session=session,
            text=text,
            exercise=exercise or "",
        )
        _changed(homework)
        notifications.announce(
            kind=NoticeKind.HOMEWORK,
            person_id=space.partner.pk,
            about_id=homework.pk,
            key=proposed_key(homework),
        )
        return homework


def accept_homework(*, space: Space, homework_id: int) -> Homework:
    """The other partner takes the proposal on: from now on it is the couple's."""
    with transaction.atomic():
        homework = _locked(space, homework_id, state=HomeworkState.PROPOSED)
        if homework.proposed_by_id == space.me.pk:
            raise NotYours(
                _("Your partner accepts what you proposed; you can withdraw it if you like.")
            )
        homework.state = HomeworkState.ACCEPTED
        homework.accepted_at = timezone.now()
        homework.save(update_fields=["state", "accepted_at"])
        _changed(homework)
        return homework


def set_aside_homework(*, space: Space, homework_id: int) -> Homework:
    """A proposal not taken up: withdrawn by its proposer, or a "not now" from
    the other. The same for both; nothing records who."""
    with transaction.atomic():
        homework = _locked(space, homework_id, state=HomeworkState.PROPOSED)
        homework.state = HomeworkState.SET_ASIDE
        homework.closed_at = timezone.now()
        homework.save(update_fields=["state", "closed_at"])
        _changed(homework)
        return homework


def end_homework(*, space: Space, homework_id: int) -> Homework:
    """Either partner ends homework that is under way (done with it, or not for
    us any more). What was done stays, for both and for the brief."""
    with transaction.atomic():
        homework = _locked(space, homework_id, state=HomeworkState.ACCEPTED)
        homework.state = HomeworkState.ENDED
        homework.closed_at = timezone.now()
        homework.save(update_fields=["state", "closed_at"])
        _changed(homework)
        return homework


def mark_done(*, space: Space, homework_id: int, done_on, note: str = "") -> HomeworkOccurrence:
    """One time it was done, by ``space.me``, on a day of their own calendar."""
    if not isinstance(done_on, date):
        raise HomeworkError(_("Please give the day it was done."))
    today = timezone.now().astimezone(zone_of(space.me)).date()
    if done_on > today:
        raise HomeworkError(_("That day has not come yet: please choose today or a day before."))
    if done_on < today - timedelta(days=PAST_DAYS_ALLOWED):
        raise HomeworkError(
            _("Please choose a day in the last %(days)d days.") % {"days": PAST_DAYS_ALLOWED}
        )
    note = _clean(note, limit=OCCURRENCE_NOTE_MAX)
    with transaction.atomic():
        homework = _locked(space, homework_id, state=HomeworkState.ACCEPTED)
        occurrence = HomeworkOccurrence.objects.create(
            homework=homework,
            couple_id=homework.couple_id,
            done_by=space.me,
            done_on=done_on,
            note=note,
            stage=homework.stage if homework.staged else None,
        )
        _changed(homework)
        return occurrence


def remove_occurrence(*, space: Space, occurrence_id: int) -> None:
    """Take back a time marked done by mistake: only who marked it may."""
    with transaction.atomic():
        homework_id = (
            HomeworkOccurrence.objects.filter(pk=occurrence_id, couple=space.couple)
            .values_list("homework_id", flat=True)
            .first()
        )
        homework = get_homework_for_member(space, homework_id, lock=True)
        occurrence = homework.occurrences.filter(pk=occurrence_id).first()
        if occurrence is None:
            raise HomeworkError(_("That time is not marked any more."))
        if occurrence.done_by_id != space.me.pk:
            raise NotYours(_("Only the one who marked a time can take it back."))
        occurrence.delete()
        _changed(homework)


def _staged_at(space, homework_id, stage):
    homework = _locked(space, homework_id, state=HomeworkState.ACCEPTED)
    if homework.staged is None:
        raise HomeworkError(_("This homework has no stages."))
    if stage != homework.stage:
        raise Conflict(_("This exercise has moved on since: here is where you both are now."))
    return homework


def confirm_stage(*, space: Space, homework_id: int, stage: int) -> StageResult:
    """``space.me`` is ready to move on from ``stage``. When the partner is too,
    the exercise moves to its next stage; after the last one, it is complete."""
    with transaction.atomic():
        homework = _staged_at(space, homework_id, stage)
        StageConfirmation.objects.get_or_create(homework=homework, stage=stage, person=space.me)
        confirmed = set(
            homework.confirmations.filter(
                stage=stage, person__in=[space.me, space.partner]
            ).values_list("person_id", flat=True)
        )
        advanced = confirmed == {space.me.pk, space.partner.pk}
        if advanced:
            if stage >= homework.staged.last_stage:
                homework.state = HomeworkState.ENDED
                homework.closed_at = timezone.now()
            else:
                homework.stage = stage + 1
            homework.save(update_fields=["stage", "state", "closed_at"])
            notifications.announce(
                kind=NoticeKind.HOMEWORK,
                person_id=space.partner.pk,
                about_id=homework.pk,
                key=moved_on_key(homework, stage),
            )
        _changed(homework)
        return StageResult(homework=homework, advanced=advanced)


def take_back_confirmation(*, space: Space, homework_id: int, stage: int) -> Homework:
    """Take back one's own "ready" while the partner has not confirmed yet (once
    both have, the stage has moved on: a Conflict says so)."""
    with transaction.atomic():
        homework = _staged_at(space, homework_id, stage)
        homework.confirmations.filter(stage=stage, person=space.me).delete()
        _changed(homework)
        return homework
