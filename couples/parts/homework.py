"""Homework between sessions on the dashboard: proposals waiting for an answer,
homework under way with its current stage and the latest times it was done,
and the form to propose more. Ended homework and older times are on the
homework page, so the part stays the same size however long a couple keeps at it.

Both partners' views come from the same rows; ``build`` only decides, for the
viewer, which buttons are theirs (accepting is the other partner's).
"""

from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from ..access import Space
from ..forms.homework import DoneForm, ProposeForm
from ..models import Homework, HomeworkOccurrence, HomeworkState, StageConfirmation, TherapySession
from .base import Part

TEMPLATE = "couples/homework_part.html"
# Times shown per homework on the dashboard (the rest: on the homework page).
LATEST_SHOWN = 3
# Sessions offered in the homework page's propose form ("from the session on").
SESSIONS_OFFERED = 4


@dataclass(frozen=True)
class HomeworkCard:
    homework: Homework
    mine: bool  # I proposed it
    occurrences: list
    i_confirmed: bool
    partner_confirmed: bool
    done_form: DoneForm | None


def occurrence_rows(homework_ids, *, latest: int | None = LATEST_SHOWN) -> dict:
    """``{homework_id: [occurrence, ...]}``, newest first; one query."""
    rows = HomeworkOccurrence.objects.filter(homework_id__in=homework_ids).select_related("done_by")
    if latest is not None:
        rows = rows.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("homework_id")],
                order_by=[F("done_on").desc(), F("pk").desc()],
            )
        ).filter(place__lte=latest)
    by_homework = {pk: [] for pk in homework_ids}
    for occurrence in rows.order_by("-done_on", "-pk"):
        by_homework[occurrence.homework_id].append(occurrence)
    return by_homework


def load(space: Space) -> dict:
    open_homework = list(
        Homework.objects.for_couple(space.couple)
        .open()
        .select_related("proposed_by")
        .order_by("created_at", "pk")
    )
    ids = [homework.pk for homework in open_homework]
    confirmations = {}
    for homework_id, person_id in StageConfirmation.objects.filter(
        homework_id__in=ids, stage=F("homework__stage")
    ).values_list("homework_id", "person_id"):
        confirmations.setdefault(homework_id, set()).add(person_id)
    return {
        "homework": open_homework,
        "occurrences": occurrence_rows(ids) if ids else {},
        "confirmations": confirmations,
    }


def offered_sessions(space: Space) -> list:
    """The sessions the homework page's propose form offers ("from the session
    on"). Not part of the live part: it would go stale when a session is planned
    (therapy pushes only its own part), so the dashboard's form leaves it out."""
    return list(
        TherapySession.objects.for_couple(space.couple).order_by("-planned_for", "-pk")[
            :SESSIONS_OFFERED
        ]
    )


def cards(space: Space, rows: dict, *, done_form=None) -> list:
    """One card per open homework, for ``space.me``'s eyes; ``done_form`` (bound,
    with errors) replaces the form of the homework it belongs to."""
    result = []
    for homework in rows["homework"]:
        confirmed = rows["confirmations"].get(homework.pk, set())
        form = None
        if homework.state == HomeworkState.ACCEPTED:
            if done_form is not None and done_form.homework_id == homework.pk:
                form = done_form
            else:
                form = DoneForm(homework_id=homework.pk)
        result.append(
            HomeworkCard(
                homework=homework,
                mine=homework.proposed_by_id == space.me.pk,
                occurrences=rows["occurrences"].get(homework.pk, []),
                i_confirmed=space.me.pk in confirmed,
                partner_confirmed=space.partner.pk in confirmed,
                done_form=form,
            )
        )
    return result


def build(
    space: Space, rows: dict, *, request=None, propose_form=None, done_form=None, back=""
) -> dict:
    """``back="homework"``: rendered on the homework page (its forms say so, to
    come back there without JavaScript)."""
    every = cards(space, rows, done_form=done_form)
    return {
        "back": back,
        "on_homework_page": back == "homework",
        "homework_proposed": [c for c in every if c.homework.state == HomeworkState.PROPOSED],
        "homework_under_way": [c for c in every if c.homework.state == HomeworkState.ACCEPTED],
        "homework_propose_form": propose_form or ProposeForm(),
    }


PART = Part("homework", TEMPLATE, build=build, load=load)
