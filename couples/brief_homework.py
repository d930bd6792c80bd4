"""The session brief's homework section: for the session's period, the homework
the couple had under way and every time either of them marked it done.

The period is the brief's own (``couples.brief.session_period``: from the couple's
previous session, its day included — homework given in a session is often first
tried that evening — to this session's day). Homework is in
it when it was taken on by the end of the period and not ended before it began.
Nothing is counted or scored: the times are listed as they were marked, with
their notes, for the couple and their therapist to read together.

Shared, so the same in both partners' copies. Hooked into couples/brief.py's
``SECTION_BUILDERS`` and drawn by templates/couples/therapy/_brief_homework.html.
"""

from django.db.models import Q

from .models import Homework, HomeworkOccurrence

TEMPLATE = "couples/therapy/_brief_homework.html"


def homework_section(request, space, session):
    from .brief import BriefSection, session_period  # the brief lists this builder

    period = session_period(session)
    first, last = period.start, period.end
    # Whole days, compared as days: the period ends at the end of its last day.
    taken_on = (
        Homework.objects.for_couple(space.couple)
        .filter(accepted_at__date__lte=last)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=first))
    )
    homework = list(taken_on.select_related("session").order_by("accepted_at", "pk"))
    times = HomeworkOccurrence.objects.filter(
        homework__in=[h.pk for h in homework], done_on__lte=last, done_on__gte=first
    ).select_related("done_by")
    by_homework = {h.pk: [] for h in homework}
    for time in times.order_by("done_on", "pk"):
        by_homework[time.homework_id].append(time)
    return BriefSection(
        "homework",
        {
            "first_day": first,
            "last_day": last,
            "items": [{"homework": h, "times": by_homework[h.pk]} for h in homework],
        },
        template=TEMPLATE,
    )
