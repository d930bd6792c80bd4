"""Agreed alternative activities: my private answers, our shared mutual yeses.

Every response here is built only from the viewer's own answers plus the set of
*mutual* yeses; the partner's own answers are never read for rendering, so no
page, fragment, count or order can depend on them.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from .. import parts
from ..access import get_alternative_for_member, get_space_for_member
from ..forms.alternatives import AnswerForm, ProposeForm
from ..http import login_required, render_part
from ..services import ServiceError
from ..services import alternatives as service

PAGE = "couples/alternatives.html"
SHARED = "couples/sections/alternatives.html"
MINE = "couples/sections/my-answers.html"
SAVED = "Your answer is saved. Only you can see it."


@dataclass(frozen=True)
class AnswerRow:
    activity: object
    form: AnswerForm


def _row(activity, answer, form=None):
    return AnswerRow(
        activity=activity,
        form=form or AnswerForm(activity=activity, initial={"answer": answer or ""}),
    )


def answer_rows(space, bound=None):
    """Rows for my answers page; ``bound`` replaces one row's form (to show errors)."""
    rows = []
    for activity in service.my_answer_rows(space):
        form = bound if bound is not None and bound.activity.pk == activity.pk else None
        rows.append(_row(activity, activity.my_answer, form))
    return rows


@parts.register("alternatives", SHARED)
def shared_context(request, space):
    """The shared list: only mutual yeses. The same for both partners."""
    return {"alternatives_agreed": service.agreed_activities(space)}


@parts.register("my-answers", MINE, scope="user")
def my_answers_context(request, space, *, bound=None, propose_form=None, note=""):
    """My private answers. Lazy: nothing is queried unless the part is rendered
    (the dashboard links to it rather than showing it)."""
    return {
        "alternatives_rows": SimpleLazyObject(lambda: answer_rows(space, bound)),
        "alternatives_propose_form": propose_form or ProposeForm(),
        "alternatives_note": note,
    }


def _page_context(space, request, **mine):
    return {
        "space": space,
        **shared_context(request, space),
        **my_answers_context(request, space, **mine),
    }


def _with_shared_oob(request, space, html, status=200):
    """A fragment plus the shared list swapped out-of-band (it may have changed)."""
    shared = render_to_string(
        f"{SHARED}#alternatives",
        {"space": space, "oob": True, **shared_context(request, space)},
        request=request,
    )
    response = HttpResponse(html + shared, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_mine(request, context, status=200):
    """The answers page, or for an htmx request only the "my-answers" part."""
    if request.htmx and not request.htmx.boosted:
        return render_part(request, MINE, context, partial="my-answers", status=status)
    return render_part(request, PAGE, context, partial="my-answers", status=status)


@require_GET
@login_required
def my_answers(request):
    space = get_space_for_member(request.user)
    return _render_mine(request, _page_context(space, request))


@require_POST
@login_required
def answer(request, activity_id):
    space, activity = get_alternative_for_member(request.user, activity_id)
    form = AnswerForm(request.POST, activity=activity)
    status = 200
    if form.is_valid():
        try:
            service.answer_activity(
                user=request.user, activity_id=activity.pk, answer=form.cleaned_data["answer"]
            )
        except ServiceError as error:
            form.add_error("answer", error.message)
            status = error.status
        else:
            if not request.htmx:
                messages.success(request, SAVED)
                return redirect(f"{reverse('alternatives')}#answer-{activity.pk}")
            saved = form.cleaned_data["answer"]
            form = None
    else:
        status = 422
    if not request.htmx:
        context = _page_context(space, request, bound=form)
        return _render_mine(request, context, status)
    # Built from my own answer only: the same bytes whatever the partner answered.
    row = _row(activity, saved) if form is None else _row(activity, "", form)
    html = render_to_string(
        f"{MINE}#answer-row", {"row": row, "saved": status == 200}, request=request
    )
    return _with_shared_oob(request, space, html, status=status)


@require_POST
@login_required
def withdraw(request, activity_id):
    """Take back my yes from the shared list, at once. Neutral: no message names
    anyone, and the response is the shared list as it now is."""
    space, activity = get_alternative_for_member(request.user, activity_id)
    result = service.withdraw_yes(user=request.user, activity_id=activity.pk)
    if request.htmx:
        context = {"space": space, **shared_context(request, space)}
        html = render_to_string(f"{SHARED}#alternatives", context, request=request)
        if request.htmx.current_url_abs_path == reverse("alternatives"):
            # My own row on this screen shows my answer as it now is.
            row = {"row": _row(activity, result.answer), "oob": True}
            html += render_to_string(f"{MINE}#answer-row", row, request=request)
        response = HttpResponse(html)
        patch_vary_headers(response, ["HX-Request"])
        return response
    messages.success(request, "Done. It is off the shared list.")
    return redirect("dashboard")


@require_POST
@login_required
def propose(request):
    space = get_space_for_member(request.user)
    form = ProposeForm(request.POST)
    status = 200
    note = ""
    if form.is_valid():
        try:
            activity = service.propose_activity(author=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
            status = error.status
        else:
            note = (
                f"“{activity.name}” is on both your lists now, with no answer set for "
                "either of you. Answer it whenever you like."
            )
            if not request.htmx:
                messages.success(request, note)
                return redirect(f"{reverse('alternatives')}#answer-{activity.pk}")
            form = None
    else:
        status = 422
    context = _page_context(space, request, propose_form=form, note=note)
    return _render_mine(request, context, status)
