"""Therapy prep on the dashboard: the upcoming session with its open agenda,
the next few sessions, and links to everything else (past sessions and
discussed topics are history, on their own pages), so the part stays the same
size however many sessions a couple has had."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Max, Q
from django.utils.timezone import localdate, now

from accounts.timezones import zone_of

from ..access import Space
from ..forms.therapy import SessionForm, TopicForm
from ..models import TherapistLink, TherapySession
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
    """The upcoming session for each partner (the next from their own today,
    else the most recent), the next few after it, and its open agenda. The two
    todays differ when the partners live in different time zones (then one
    more query), so the rows hold what either may need; ``build`` picks the
    viewer's."""
    todays = {person.pk: localdate(now(), zone_of(person)) for person in space.people}
    sessions = TherapySession.objects.for_couple(space.couple)
    ahead_from = {
        today: list(
            sessions.filter(planned_for__gte=today).order_by("planned_for", "pk")[
                : OTHERS_SHOWN + 1
            ]
        )
        for today in sorted(set(todays.values()))
    }
    latest = None
    if not all(ahead_from.values()):
        latest = sessions.order_by("-planned_for", "-pk").first()
    shown = {}
    for pk, today in todays.items():
        ahead = ahead_from[today]
        shown[pk] = (ahead[0], ahead[1:]) if ahead else (latest, [])
    agendas = {
        upcoming.pk: agenda_rows(upcoming, with_discussed=False)
        for upcoming in {first for first, _others in shown.values() if first is not None}
    }
    return {"shown": shown, "agendas": agendas, "links": _working_links(agendas)}


def _working_links(session_ids) -> dict:
    """The upcoming sessions' therapist links not revoked nor expired, with who
    agreed and when each was last opened: both partners see them. One query."""
    links = {}
    if not session_ids:
        return links
    rows = (
        TherapistLink.objects.filter(
            session_id__in=list(session_ids), revoked_at__isnull=True, expires_at__gt=now()
        )
        .annotate(
            agreed=ArrayAgg("consents__person_id", distinct=True, default=[]),
            last_opened=Max("views__viewed_at"),
        )
        .order_by("created_at", "pk")
    )
    for link in rows:
        links.setdefault(link.session_id, []).append(link)
    return links


def build(space: Space, rows: dict, *, request=None, session_form=None) -> dict:
    upcoming, others = rows["shown"][space.me.pk]
    context = {
        "upcoming_session": upcoming,
        "other_sessions": others,
        "session_form": session_form or SessionForm(),
        "agenda_back": "dashboard",
    }
    if upcoming is not None:
        context.update(
            {
                "session": upcoming,
                **rows["agendas"][upcoming.pk],
                "topic_form": TopicForm(),
                "agenda_compact": True,
                "therapist_links": [
                    {
                        "link": link,
                        "works": {space.me.pk, space.partner.pk} <= set(link.agreed),
                        "i_agreed": space.me.pk in link.agreed,
                    }
                    for link in rows.get("links", {}).get(upcoming.pk, [])
                ],
            }
        )
    return context


PART = Part("therapy", "couples/sections/therapy.html", build=build, load=load)
