""" "What my no means": every write to statements, their history, "heard" and
questions. Only the author writes, edits, retires or answers; only the partner
marks heard or asks. Each service checks that itself (404 for anyone else)
through the access helpers, inside the person's ``space``."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.timezones import zone_of
from realtime import broadcast

from ..access import (
    Space,
    get_own_statement,
    get_partner_statement,
    get_question_for_author,
)
from ..domain.errors import Conflict, Invalid, check_version
from ..models import NoticeKind, Reason, Statement, StatementQuestion, StatementRevision
from ..models.statements import (
    ANSWER_MAX,
    MEANING_MAX,
    NOT_MEANING_MAX,
    QUESTION_MAX,
    RAIN_CHECK_MAX,
    REASSURANCE_MAX,
)
from . import notifications

LIMITS = {
    "meaning": (gettext_lazy("What it means"), MEANING_MAX, True),
    "not_meaning": (gettext_lazy("What it does not mean"), NOT_MEANING_MAX, True),
    "reassurance": (gettext_lazy("Something to hold on to"), REASSURANCE_MAX, True),
    "rain_check": (gettext_lazy("Rain check"), RAIN_CHECK_MAX, False),
}


def _text(value, label, limit, *, required):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(
            _("“%(label)s” is empty: a few words of your own are enough.") % {"label": label}
        )
    if len(value) > limit:
        raise Invalid(
            _("“%(label)s” is %(length)d characters long; please keep it to %(limit)d or fewer.")
            % {"label": label, "length": len(value), "limit": limit}
        )
    return value


def _clean_content(*, reason, meaning, not_meaning, reassurance, rain_check):
    if reason not in Reason.values:
        raise Invalid(_("Please choose one of the reasons in the list."))
    raw = {
        "meaning": meaning,
        "not_meaning": not_meaning,
        "reassurance": reassurance,
        "rain_check": rain_check,
    }
    content = {"reason": reason}
    for name, (label, limit, required) in LIMITS.items():
        content[name] = _text(raw[name], label, limit, required=required)
    return content


def _check_own_version(current, expected, *, what):
    """``check_version`` with words for the only person who can edit: the
    other save came from their own other tab or device."""
    try:
        check_version(current, expected, what=what)
    except Conflict:
        raise Conflict(
            _(
                "You saved %(what)s from another tab or device while editing here. "
                "Both texts are below: keep what you want, then save again."
            )
            % {"what": what}
        ) from None


def _save_revision(statement, now):
    StatementRevision.objects.create(
        statement=statement, version=statement.version, saved_at=now, **statement.content()
    )


def _tell_partner(space: Space, statement: Statement, now) -> None:
    """A new or changed statement, for a partner who chose to hear of it: at
    most once a day per statement (their day), however often it is edited."""
    day = now.astimezone(zone_of(space.partner)).date()
    notifications.announce(
        kind=NoticeKind.STATEMENT,
        person_id=space.partner.pk,
        about_id=statement.pk,
        key=f"statement:{statement.pk}:{day}",
    )


@transaction.atomic
def add_statement(
    *,
    space: Space,
    reason: str,
    meaning: str,
    not_meaning: str,
    reassurance: str,
    rain_check: str = "",
) -> Statement:
    """Write a new statement by ``space.me``, shared in their couple."""
    content = _clean_content(
        reason=reason,
        meaning=meaning,
        not_meaning=not_meaning,
        reassurance=reassurance,
        rain_check=rain_check,
    )
    now = timezone.now()
    statement = Statement.objects.create(
        author=space.me, couple=space.couple, created_at=now, updated_at=now, **content
    )
    _save_revision(statement, now)
    broadcast.part_changed(couple=space.couple, parts=["statements"])
    _tell_partner(space, statement, now)
    return statement


@transaction.atomic
def edit_statement(
    *,
    space: Space,
    statement_id: int,
    version,
    reason: str,
    meaning: str,
    not_meaning: str,
    reassurance: str,
    rain_check: str = "",
) -> Statement:
    """Save new words for a statement, keeping the previous version in history.

    The row is locked (``SELECT ... FOR UPDATE``) before the version check, so
    two concurrent saves from the same stale version cannot both pass: the
    second waits, then sees the new version and gets a ``Conflict``.
    """
    statement = get_own_statement(space, statement_id, lock=True)
    if statement.is_retired:
        raise Invalid(_("This statement is retired; write a new one instead."))
    _check_own_version(statement.version, version, what=_("this statement"))
    content = _clean_content(
        reason=reason,
        meaning=meaning,
        not_meaning=not_meaning,
        reassurance=reassurance,
        rain_check=rain_check,
    )
    if content == statement.content():
        return statement  # nothing changed: no new version, "heard" still holds
    now = timezone.now()
    for name, value in content.items():
        setattr(statement, name, value)
    statement.version += 1
    statement.updated_at = now
    statement.save(update_fields=[*content, "version", "updated_at"])
    _save_revision(statement, now)
    broadcast.part_changed(couple=statement.couple_id, parts=["statements"])
    _tell_partner(space, statement, now)
    return statement


@transaction.atomic
def retire_statement(*, space: Space, statement_id: int) -> Statement:
    """Withdraw a statement at once: the partner no longer sees it; the author
    keeps it (and its history) among their retired statements."""
    statement = get_own_statement(space, statement_id, lock=True)
    if not statement.is_retired:
        statement.retired_at = timezone.now()
        statement.save(update_fields=["retired_at"])
        broadcast.part_changed(couple=statement.couple_id, parts=["statements"])
    return statement


@transaction.atomic
def mark_heard(*, space: Space, statement_id: int) -> Statement:
    """The partner acknowledges the words as they are now (this version)."""
    statement = get_partner_statement(space, statement_id, lock=True)
    if statement.heard_version != statement.version:
        statement.heard_version = statement.version
        statement.save(update_fields=["heard_version"])
        broadcast.part_changed(couple=statement.couple_id, parts=["statements"])
    return statement


@transaction.atomic
def ask_question(*, space: Space, statement_id: int, text: str) -> StatementQuestion:
    statement = get_partner_statement(space, statement_id)
    text = _text(text, _("Your question"), QUESTION_MAX, required=True)
    question = StatementQuestion.objects.create(statement=statement, asker=space.me, text=text)
    broadcast.part_changed(couple=statement.couple_id, parts=["statements"])
    return question


@transaction.atomic
def answer_question(*, space: Space, question_id: int, version, answer: str) -> StatementQuestion:
    """Answer (or re-word the answer to) a question about one's own statement."""
    question = get_question_for_author(space, question_id, lock=True)
    _check_own_version(question.version, version, what=_("this answer"))
    answer = _text(answer, _("Your answer"), ANSWER_MAX, required=True)
    if answer != question.answer:
        question.answer = answer
        question.answered_at = timezone.now()
        question.version += 1
        question.save(update_fields=["answer", "answered_at", "version"])
        broadcast.part_changed(couple=question.statement.couple_id, parts=["statements"])
    return question
