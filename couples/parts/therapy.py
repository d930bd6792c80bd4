"""Therapy prep on the dashboard: the upcoming session with its open agenda,
the next few sessions, and links to everything else (past sessions and
discussed topics are history, on their own pages), so the part stays the same
size however many sessions a couple has had."""

from django.db.models import Count, Q
from django.utils import timezone

from ..access import Space
from ..forms.therapy import SessionForm, TopicForm
from ..models import TherapySession
from .base import Part

# Sessions listed besides the upcoming one (the rest: "All our sessions").
OTHERS_SHOWN = 3


def agenda_rows(session: TherapySession, *, with_discussed: bool) -> dict:
    """A session's agenda: its open topics in order and how many are discussed
    (with ``with_discussed``, those too: the session page shows them). Two queries."""
    topics = session.topics.select_related("added_by").order_by("position", "pk")
    if with_discussed:
        every = list(topics)
        open_topics = [topic for topic in every if not topic.is_discussed]
        discussed = [topic for topic in every if topic.is_discussed]
        return {
            "open_topics": open_topics,
            "discussed_topics": discussed,
            "discussed_count": len(discussed),
        }
    counts = session.topics.aggregate(discussed=Count("pk", filter=Q(discussed_at__isnull=False)))
    return {
        "open_topics": list(topics.filter(discussed_at__isnull=True)),
        "discussed_topics": [],
        "discussed_count": counts["discussed"],
    }


def agenda_context(session: TherapySession, *, with_discussed: bool = True, **extra) -> dict:
    """What the agenda partial needs (``couples/therapy/session.html#agenda``)."""
    context = {
        "session": session,
        **agenda_rows(session, with_discussed=with_discussed),
        "topic_form": TopicForm(),
        "agenda_compact": not with_discussed,
    }
    context.update(extra)
    return context


def load(space: Space) -> dict:
    """The upcoming session (the next from today, else the most recent), the
    next few after it, and its open agenda."""
    today = timezone.localdate()
    sessions = TherapySession.objects.for_couple(space.couple)
    ahead = list(
        sessions.filter(planned_for__gte=today).order_by("planned_for", "pk")[: OTHERS_SHOWN + 1]
    )
    if ahead:
        upcoming, others = ahead[0], ahead[1:]
    else:
        upcoming, others = sessions.order_by("-planned_for", "-pk").first(), []
    agenda = agenda_rows(upcoming, with_discussed=False) if upcoming is not None else {}
    return {"upcoming": upcoming, "others": others, "agenda": agenda}


def build(space: Space, rows: dict, *, request=None, session_form=None) -> dict:
    context = {
        "upcoming_session": rows["upcoming"],
        "other_sessions": rows["others"],
        "session_form": session_form or SessionForm(),
        "agenda_back": "dashboard",
    }
    if rows["upcoming"] is not None:
        context.update(
            {
                "session": rows["upcoming"],
                **rows["agenda"],
                "topic_form": TopicForm(),
                "agenda_compact": True,
            }
        )
    return context


PART = Part("therapy", "couples/sections/therapy.html", build=build, load=load)
