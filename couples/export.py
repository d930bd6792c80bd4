"""A person's own data, as one JSON document (schema: docs/export-schema.json).

Only the person's own words: what they wrote, in every couple they were ever in,
and nothing another person wrote — not a partner's statements, not the questions
a partner asked about theirs, not a partner's answers to theirs, never anyone
else's reflections or private answers. The document is built from queries that
start from the person (``author=user``, ``asker=user``, ``added_by=user``...), so
a partner's rows cannot be reached. See docs/export.md.

Sections are small builder functions ``(user) -> value`` listed in ``SECTIONS``;
the document's keys are exactly those names, in that order.
"""

from django.utils import timezone

from .domain.overlap import DAYS, LEVELS, PARTS
from .models import (
    AgendaTopic,
    AlternativeActivity,
    AlternativeAnswer,
    Membership,
    Reflection,
    Statement,
    StatementQuestion,
    TherapySession,
    TimingGrid,
)

FORMAT = "common-ground-export"
FORMAT_VERSION = 1


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
}


def build_export(user):
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
    }
    for name, builder in SECTIONS.items():
        document[name] = builder(user)
    return document


def filename(now=None):
    return f"my-data-{(now or timezone.now()).date().isoformat()}.json"
