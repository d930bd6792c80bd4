"""Ways to be close: the shared list of mutual yeses, and my private answers.

Both are built only from the viewer's own answers plus the set of *mutual*
yeses; the partner's own answers are never read for rendering, so no page,
fragment, count or order can depend on them.
"""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from ..access import Space, agreed_activities, my_answer_rows
from ..forms.alternatives import AnswerForm, ProposeForm
from .base import USER, Part

SHARED_TEMPLATE = "couples/sections/alternatives.html"
MINE_TEMPLATE = "couples/sections/my-answers.html"


@dataclass(frozen=True)
class AnswerRow:
    activity: object
    form: AnswerForm


def answer_row(activity, answer, form=None) -> AnswerRow:
    return AnswerRow(
        activity=activity,
        form=form or AnswerForm(activity=activity, initial={"answer": answer or ""}),
    )


def answer_rows(space: Space, bound=None) -> list:
    """Rows for my answers page; ``bound`` replaces one row's form (to show errors)."""
    rows = []
    for activity in my_answer_rows(space):
        form = bound if bound is not None and bound.activity.pk == activity.pk else None
        rows.append(answer_row(activity, activity.my_answer, form))
    return rows


def build_shared(space: Space, rows: list, *, request=None) -> dict:
    """The shared list: only mutual yeses. The same for both partners."""
    return {"alternatives_agreed": rows}


def build_mine(space: Space, rows, *, request=None, bound=None, propose_form=None) -> dict:
    """My private answers. Lazy: nothing is queried unless the part is rendered
    (the dashboard links to it rather than showing it)."""
    return {
        "alternatives_rows": SimpleLazyObject(lambda: answer_rows(space, bound)),
        "alternatives_propose_form": propose_form or ProposeForm(),
    }


SHARED = Part("alternatives", SHARED_TEMPLATE, build=build_shared, load=agreed_activities)
MINE = Part("my-answers", MINE_TEMPLATE, build=build_mine, scope=USER)
