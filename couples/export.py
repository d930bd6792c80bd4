"""A person's own data, as one JSON document (schema: docs/export-schema.json).

Only the person's own words: what they wrote, in every couple they were ever in,
and nothing another person wrote — not a partner's statements, not the questions
a partner asked about theirs, not a partner's answers to theirs, never anyone
else's reflections or private answers. The document is built from queries that
start from the person (``author=user``, ``asker=user``, ``added_by=user``...), so
a partner's rows cannot be reached. See docs/export.md.

The moment is held to the same rule, and one more: an ask's export says nothing
of how it was answered (not the kind, not whether it was answered or ended
unanswered, not when), so no record of a partner's declines reaches the asker.

Sections are small builder functions ``(user) -> value`` listed in ``SECTIONS``;
the document's keys are exactly those names, in that order.
"""

from django.utils import timezone, translation
from django.utils.functional import Promise

from .domain.overlap import DAYS, LEVELS, PARTS
from .models import (
    AgendaTopic,
    AlternativeActivity,
    AlternativeAnswer,
    Ask,
    AskAnswer,
    Homework,
    HomeworkOccurrence,
    Membership,
    NoticeKind,
    NotificationChoice,
    PartOfDay,
    PatternSharing,
    PushDevice,
    RainCheck,
    Reflection,
    StageConfirmation,
    Statement,
    StatementQuestion,
    TherapistLinkConsent,
    TherapistLinkPick,
    TherapySession,
    TimingGrid,
)

FORMAT = "common-ground-export"
FORMAT_VERSION = 1
PART_LABELS = dict(PartOfDay.choices)


def _when(value):
    return value.isoformat() if value else None


def profile_section(user):
    return {
        "email": user.email,
        "display_name": user.display_name,
        "joined_at": _when(user.date_joined),
    }


def links_section(user):
    """When the person linked and unlinked (the partner is not named: their account is theirs)."""
    memberships = (
        Membership.objects.filter(user=user).select_related("couple").order_by("joined_at")
    )
    return [
        {"couple": m.couple_id, "linked_at": _when(m.joined_at), "unlinked_at": _when(m.left_at)}
        for m in memberships
    ]


def _content(row):
    return {
        "reason": row.reason,
        "reason_label": row.get_reason_display(),
        "meaning": row.meaning,
        "not_meaning": row.not_meaning,
        "reassurance": row.reassurance,
        "rain_check": row.rain_check,
    }


def statements_section(user):
    """Every statement the person wrote, current and retired, with its full history
    and the answers they gave (the partner's questions are the partner's words)."""
    statements = (
        Statement.objects.filter(author=user)
        .prefetch_related("revisions", "questions")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": statement.pk,
            "couple": statement.couple_id,
            **_content(statement),
            "version": statement.version,
            "created_at": _when(statement.created_at),
            "updated_at": _when(statement.updated_at),
            "retired_at": _when(statement.retired_at),
            "history": [
                {"version": rev.version, "saved_at": _when(rev.saved_at), **_content(rev)}
                for rev in sorted(statement.revisions.all(), key=lambda r: r.version)
            ],
            "answers_given": [
                {"answer": q.answer, "answered_at": _when(q.answered_at)}
                for q in statement.questions.all()
                if q.answer
            ],
        }
        for statement in statements
    ]


def questions_asked_section(user):
    """The questions the person asked about a partner's statements (their answers
    are the partner's words and are not included)."""
    questions = StatementQuestion.objects.filter(asker=user).order_by("asked_at", "pk")
    return [{"text": q.text, "asked_at": _when(q.asked_at)} for q in questions]


def timing_section(user):
    grids = TimingGrid.objects.filter(author=user).order_by("updated_at", "pk")
    return [
        {
            "couple": grid.couple_id,
            "cells": grid.cells,
            "week": {
                day_key: {
                    part_key: LEVELS[grid.cells[d * len(PARTS) + p]]
                    for p, (part_key, _label, _short) in enumerate(PARTS)
                }
                for d, (day_key, _label, _short) in enumerate(DAYS)
            },
            "notes": grid.notes,
            "version": grid.version,
            "updated_at": _when(grid.updated_at),
        }
        for grid in grids
    ]


def alternatives_section(user):
    """The person's OWN private answers, never the partner's."""
    answers = (
        AlternativeAnswer.objects.filter(user=user)
        .select_related("activity")
        .order_by("couple_id", "activity__name", "pk")
    )
    return [
        {
            "couple": answer.couple_id,
            "activity": answer.activity.name,
            "answer": answer.answer,
            "answered_at": _when(answer.updated_at),
        }
        for answer in answers
    ]


def proposed_activities_section(user):
    """Activities the person added to a couple's list (their own words)."""
    activities = AlternativeActivity.objects.filter(author=user).order_by("created_at", "pk")
    return [
        {"couple": a.couple_id, "name": a.name, "proposed_at": _when(a.created_at)}
        for a in activities
    ]


def reflections_section(user):
    reflections = Reflection.objects.filter(author=user).order_by("created_at", "pk")
    return [
        {
            "created_at": _when(r.created_at),
            "updated_at": _when(r.updated_at),
            "need": r.need,
            "need_label": r.get_need_display() if r.need else "",
            "need_note": r.need_note,
            "old_story": r.old_story,
            "old_story_label": r.get_old_story_display() if r.old_story else "",
            "old_story_note": r.old_story_note,
            "what_i_heard": r.what_i_heard,
            "what_was_said": r.what_was_said,
            "body": r.body,
            "tags": r.tag_list,
            "bring_to_therapy": r.bring_to_therapy,
        }
        for r in reflections
    ]


def sessions_created_section(user):
    """Sessions the person planned: the day and the therapist's name, as saved."""
    sessions = TherapySession.objects.filter(created_by=user).order_by("planned_for", "pk")
    return [
        {
            "couple": s.couple_id,
            "planned_for": s.planned_for.isoformat(),
            "therapist_name": s.therapist_name,
            "created_at": _when(s.created_at),
        }
        for s in sessions
    ]


def agenda_topics_section(user):
    topics = (
        AgendaTopic.objects.filter(added_by=user)
        .select_related("session")
        .order_by("session__planned_for", "position", "pk")
    )
    return [
        {
            "couple": t.couple_id,
            "session_date": t.session.planned_for.isoformat(),
            "text": t.text,
            "note": t.note,
            "discussed_at": _when(t.discussed_at),
            "created_at": _when(t.created_at),
        }
        for t in topics
    ]


def therapist_links_section(user):
    """The therapist's copies I agreed to (made, or said yes to): for whom, until
    when, revoked or not, when it was opened, and which of MY reflections I added
    (by their date; the reflections themselves are in "reflections"). Never the
    link itself: only a hash of it was ever kept."""
    consents = (
        TherapistLinkConsent.objects.filter(person=user)
        .select_related("link__session")
        .prefetch_related("link__views")
        .order_by("link__created_at", "link_id")
    )
    picks = {}
    for pick in TherapistLinkPick.objects.filter(owner=user).select_related("reflection"):
        picks.setdefault(pick.link_id, []).append(_when(pick.reflection.created_at))
    rows = []
    for consent in consents:
        link = consent.link
        rows.append(
            {
                "couple": link.couple_id,
                "session_date": link.session.planned_for.isoformat(),
                "therapist_name": link.therapist_name,
                "made_by_me": link.created_by_id == user.pk,
                "created_at": _when(link.created_at),
                "expires_at": _when(link.expires_at),
                "revoked_at": _when(link.revoked_at),
                "my_consent_at": _when(consent.consented_at),
                "opened_at": [_when(view.viewed_at) for view in link.views.all()],
                "my_reflections_added": sorted(picks.get(link.pk, [])),
            }
        )
    return rows


# --- homework between sessions: what I proposed, the times I marked, my "ready"s ---


def homework_proposed_section(user):
    """Homework the person proposed, with its state and stage (never who put a
    proposal aside: nothing records it)."""
    rows = Homework.objects.filter(proposed_by=user).select_related("session")
    return [
        {
            "couple": h.couple_id,
            "homework": h.pk,
            "text": h.text,
            "exercise": h.exercise,
            "stage": h.stage,
            "state": h.state,
            "session_date": h.session.planned_for.isoformat() if h.session else None,
            "created_at": _when(h.created_at),
            "accepted_at": _when(h.accepted_at),
            "closed_at": _when(h.closed_at),
        }
        for h in rows.order_by("created_at", "pk")
    ]


def homework_done_section(user):
    """The times the person marked done, with their own notes. The homework is
    named by its number (and exercise), not by words a partner may have written."""
    rows = HomeworkOccurrence.objects.filter(done_by=user).select_related("homework")
    return [
        {
            "couple": o.couple_id,
            "homework": o.homework_id,
            "exercise": o.homework.exercise,
            "done_on": o.done_on.isoformat(),
            "stage": o.stage,
            "note": o.note,
            "created_at": _when(o.created_at),
        }
        for o in rows.order_by("done_on", "pk")
    ]


def stage_confirmations_section(user):
    rows = StageConfirmation.objects.filter(person=user).select_related("homework")
    return [
        {
            "couple": c.homework.couple_id,
            "homework": c.homework_id,
            "exercise": c.homework.exercise,
            "stage": c.stage,
            "created_at": _when(c.created_at),
        }
        for c in rows.order_by("created_at", "pk")
    ]


# --- the moment: my asks, my answers to my partner's asks, my rain checks -----------


def _part_of_day(key):
    return {"part_of_day": key, "part_of_day_label": PART_LABELS.get(key, "")}


def _ask_state(ask, now):
    """What the asker may know of how their ask went: open (still waiting, in a
    couple that still is), withdrawn (their own act), or closed. Answered and
    ended are both "closed", with no time: when or whether the partner answered,
    and how, is the partner's, and a record of it would be a record of declines."""
    if ask.state == Ask.WITHDRAWN:
        return "withdrawn"
    if ask.state == Ask.OPEN and ask.ends_at > now and ask.couple.dissolved_at is None:
        return "open"
    return "closed"


def _ask_row(ask, now):
    state = _ask_state(ask, now)
    return {
        "couple": ask.couple_id,
        "asked_for": ask.kind,
        "asked_for_label": ask.get_kind_display(),
        "activity": ask.activity.name if ask.activity else None,
        "when": ask.when,
        "when_label": ask.get_when_display(),
        "day": ask.day.isoformat() if ask.day else None,
        **_part_of_day(ask.part_of_day),
        "words": ask.words,
        "asked_at": _when(ask.created_at),
        "open_until": _when(ask.ends_at),
        "from_rain_check": ask.from_rain_check_id is not None,
        "state": state,
        "withdrawn_at": _when(ask.closed_at) if state == "withdrawn" else None,
    }


def asks_section(user):
    """The gentle asks the person made: what, when, their words, and whether
    they took it back. Never the answer, its kind, its time or the reply to it."""
    now = timezone.now()
    asks = (
        Ask.objects.filter(asker=user)
        .select_related("couple", "activity")
        .order_by("created_at", "pk")
    )
    return [_ask_row(ask, now) for ask in asks]


def ask_answers_section(user):
    """The person's answers to their partner's asks, every word of their decline
    cards included (theirs). Nothing of the ask itself: its words, kind and time
    are the partner's, and so is any reply to the answer."""
    answers = (
        AskAnswer.objects.filter(author=user)
        .select_related("ask", "activity")
        .order_by("created_at", "pk")
    )
    return [
        {
            "couple": answer.ask.couple_id,
            "answer": answer.kind,
            "answer_label": answer.get_kind_display(),
            "activity": answer.activity.name if answer.activity else None,
            "together": answer.together,
            "acknowledgement": answer.acknowledgement,
            "statement": answer.statement_id,
            "reason": answer.reason,
            "not_meaning": answer.not_meaning,
            "love": answer.love,
            "talk_text": answer.talk_text,
            "answered_at": _when(answer.created_at),
        }
        for answer in answers
    ]


def rain_checks_section(user):
    """Rain checks the person offered: a day and part of it, or "I'll come to you"."""
    rain_checks = RainCheck.objects.filter(owner=user).order_by("created_at", "pk")
    return [
        {
            "couple": rain_check.couple_id,
            "comes_to_you": rain_check.comes_to_you,
            "day": rain_check.day.isoformat() if rain_check.day else None,
            **_part_of_day(rain_check.part_of_day),
            "note_for_me": rain_check.note_for_me,
            "state": rain_check.state,
            "version": rain_check.version,
            "offered_at": _when(rain_check.created_at),
            "updated_at": _when(rain_check.updated_at),
        }
        for rain_check in rain_checks
    ]


def notifications_section(user):
    """What the person chose, and the devices that may notify them: a coarse
    name and dates only (a device's push address and keys are not the
    person's words, and would let anyone holding the file send to it)."""
    choice = NotificationChoice.objects.filter(person=user).first() or NotificationChoice()
    return {
        "choices": {
            **{kind: getattr(choice, kind) for kind in NoticeKind.values},
            "detail": choice.detail,
            "quiet_start": choice.quiet_start.strftime("%H:%M"),
            "quiet_end": choice.quiet_end.strftime("%H:%M"),
        },
        "devices": [
            {
                "device": device.label,
                "since": _when(device.created_at),
                "last_notified": _when(device.last_sent_at),
            }
            for device in PushDevice.objects.filter(person=user).order_by("created_at", "pk")
        ],
    }


def pattern_sharing_section(user):
    """What the person chose to share of their own patterns, per couple (only
    which parts: the summary itself is computed from the rows above)."""
    choices = PatternSharing.objects.filter(person=user).order_by("couple_id", "pk")
    return [
        {
            "couple": choice.couple_id,
            "parts": list(choice.parts),
            "updated_at": _when(choice.updated_at),
        }
        for choice in choices
    ]


def checkins_section(user):
    """My entries of our weekly check-ins: my appreciations, what went well for
    me, my topic (never my partner's entry)."""
    from .models import CheckInEntry

    entries = (
        CheckInEntry.objects.filter(author=user)
        .select_related("checkin")
        .prefetch_related("appreciations")
        .order_by("checkin__week_start", "pk")
    )
    return [
        {
            "couple": e.couple_id,
            "week_start": e.checkin.week_start.isoformat(),
            "appreciations": [
                {"text": a.text, "created_at": _when(a.created_at)} for a in e.appreciations.all()
            ],
            "went_well": e.went_well,
            "topic": e.topic,
            "topic_moved_at": _when(e.topic_moved_at),
            "updated_at": _when(e.updated_at),
        }
        for e in entries
    ]


SECTIONS = {
    "profile": profile_section,
    "links": links_section,
    "statements": statements_section,
    "questions_asked": questions_asked_section,
    "timing_grids": timing_section,
    "alternative_answers": alternatives_section,
    "alternatives_proposed": proposed_activities_section,
    "reflections": reflections_section,
    "therapy_sessions_created": sessions_created_section,
    "agenda_topics": agenda_topics_section,
    "therapist_links": therapist_links_section,
    "asks": asks_section,
    "answers_to_asks": ask_answers_section,
    "rain_checks": rain_checks_section,
    "notifications": notifications_section,
    "pattern_sharing": pattern_sharing_section,
    "checkins": checkins_section,
    "homework_proposed": homework_proposed_section,
    "homework_done": homework_done_section,
    "stage_confirmations": stage_confirmations_section,
}


def _plain(value):
    """Lazy translations (the labels) as plain text, all the way down."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    return value


def build_export(user):
    """The document is a data format: its keys, values and the ``*_label``
    fields beside the values are English whatever language the person reads
    the site in (a reader of the file, or a program, can rely on them); the
    person's own words are exactly as they wrote them (docs/decisions.md)."""
    with translation.override("en"):
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": _when(timezone.now()),
        }
        for name, builder in SECTIONS.items():
            document[name] = builder(user)
        return _plain(document)


def filename(now=None):
    """Named for the day it is where the person is (the request's zone is theirs)."""
    return f"my-data-{timezone.localdate(now or timezone.now()).isoformat()}.json"
