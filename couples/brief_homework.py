"""The session brief's homework section: for the session's period, the homework
the couple had under way and every time either of them marked it done.

The period runs from the couple's previous session (its day included: homework
given in a session is often first tried that evening) to this session's day;
with no earlier session, everything up to this session's day. Homework is in
it when it was taken on by the end of the period and not ended before it began.
Nothing is counted or scored: the times are listed as they were marked, with
their notes, for the couple and their therapist to read together.

Shared, so the same in both partners' copies. Hooked into couples/brief.py's
``SECTION_BUILDERS`` and drawn by templates/couples/therapy/_brief_homework.html.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Homework, HomeworkOccurrence, TherapySession

TEMPLATE = "couples/therapy/_brief_homework.html"


@dataclass(frozen=True)
class HomeworkBriefSection:
    """Shaped like couples.brief.BriefSection (``partial`` and ``context``), with
    its own template, so brief.html needs no partial of ours."""

    context: dict = field(default_factory=dict)
    name: str = "homework"
    partial: str = TEMPLATE


def period_of(session) -> tuple:
    """``(first_day or None, last_day)``: from the previous session to this one."""
    previous = (
        TherapySession.objects.for_couple(session.couple_id)
        .filter(planned_for__lt=session.planned_for)
        .order_by("-planned_for", "-pk")
        .values_list("planned_for", flat=True)
        .first()
    )
    return previous, session.planned_for


def homework_section(request, space, session):
    first, last = period_of(session)
    # Whole days, compared as days: the period ends at the end of its last day.
    taken_on = Homework.objects.for_couple(space.couple).filter(accepted_at__date__lte=last)
    if first is not None:
        taken_on = taken_on.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=first))
    homework = list(taken_on.select_related("session").order_by("accepted_at", "pk"))
    times = HomeworkOccurrence.objects.filter(
        homework__in=[h.pk for h in homework], done_on__lte=last
    ).select_related("done_by")
    if first is not None:
        times = times.filter(done_on__gte=first)
    by_homework = {h.pk: [] for h in homework}
    for time in times.order_by("done_on", "pk"):
        by_homework[time.homework_id].append(time)
    return HomeworkBriefSection(
        {
            "first_day": first,
            "last_day": last,
            "items": [{"homework": h, "times": by_homework[h.pk]} for h in homework],
        }
    )
