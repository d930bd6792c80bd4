"""Agreed alternative activities: my private answers, our shared mutual yeses.

Every response here is built only from the viewer's own answers plus the set of
*mutual* yeses; the partner's own answers are never read for rendering, so no
page, fragment, count or order can depend on them.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..access import get_alternative_for_member
from ..domain.errors import DomainError
from ..forms.alternatives import AnswerForm, ProposeForm
from ..http import SpaceRequest, login_required, render_part, space_required
from ..parts import alternatives as parts
from ..services import alternatives as service

PAGE = "couples/alternatives.html"
# What happened, said to the one who did it only (messages never travel in a
# live frame), in the same words whatever anyone answered.
SAVED = gettext_lazy("Saved")
TAKEN_BACK = gettext_lazy("Taken back")
ADDED = gettext_lazy("Added to both your lists, with no answer set for either of you")


def _on_answers_page(request: SpaceRequest) -> bool:
    """Whether the person is on their answers page (which needs no link to itself)."""
    if request.htmx:
        return request.htmx.current_url_abs_path == reverse("alternatives")
    return request.method == "GET"


def _page_context(request: SpaceRequest, **mine) -> dict:
    space = request.space
    return {
        "space": space,
        "on_answers_page": True,
        **parts.SHARED.context(space),
        **parts.MINE.context(space, request=request, **mine),
    }


def _shared_html(request: SpaceRequest, **extra) -> str:
    context = {
        **parts.SHARED.context(request.space),
        "on_answers_page": _on_answers_page(request),
        **extra,
    }
    return render_to_string(f"{parts.SHARED_TEMPLATE}#alternatives", context, request=request)


def _with_shared_oob(request: SpaceRequest, html: str, status: int = 200) -> HttpResponse:
    """A fragment plus the shared list swapped out-of-band (it may have changed)."""
    response = HttpResponse(html + _shared_html(request, oob=True), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_mine(request: SpaceRequest, context: dict, status: int = 200) -> HttpResponse:
    """The answers page, or for an htmx request only the "my-answers" part."""
    if request.htmx and not request.htmx.boosted:
        return render_part(
            request, parts.MINE_TEMPLATE, context, partial="my-answers", status=status
        )
    return render_part(request, PAGE, context, partial="my-answers", status=status)


@require_GET
@login_required
@space_required
def my_answers(request: SpaceRequest) -> HttpResponse:
    return _render_mine(request, _page_context(request))


@require_POST
@login_required
@space_required
def answer(request: SpaceRequest, activity_id: int) -> HttpResponse:
    activity = get_alternative_for_member(request.space, activity_id)
    form = AnswerForm(request.POST, activity=activity)
    status = 200
    if form.is_valid():
        try:
            service.answer_activity(
                space=request.space, activity_id=activity.pk, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            form.add_error("answer", error.message)
            status = error.status
        else:
            messages.success(request, SAVED)
            if not request.htmx:
                return redirect(f"{reverse('alternatives')}#answer-{activity.pk}")
            saved = form.cleaned_data["answer"]
            form = None
    else:
        status = 422
    if not request.htmx:
        return _render_mine(request, _page_context(request, bound=form), status)
    # Built from my own answer only: the same bytes whatever the partner answered.
    row = (
        parts.answer_row(activity, saved) if form is None else parts.answer_row(activity, "", form)
    )
    html = render_to_string(f"{parts.MINE_TEMPLATE}#answer-row", {"row": row}, request=request)
    return _with_shared_oob(request, html, status=status)


@require_POST
@login_required
@space_required
def withdraw(request: SpaceRequest, activity_id: int) -> HttpResponse:
    """Take back my yes from the shared list, at once. Neutral: "Taken back", to
    me only, names nobody, and the response is the shared list as it now is."""
    activity = get_alternative_for_member(request.space, activity_id)
    result = service.withdraw_yes(space=request.space, activity_id=activity.pk)
    messages.success(request, TAKEN_BACK)
    if request.htmx:
        html = _shared_html(request)
        if request.htmx.current_url_abs_path == reverse("alternatives"):
            # My own row on this screen shows my answer as it now is.
            row = {"row": parts.answer_row(activity, result.answer), "oob": True}
            html += render_to_string(f"{parts.MINE_TEMPLATE}#answer-row", row, request=request)
        response = HttpResponse(html)
        patch_vary_headers(response, ["HX-Request"])
        return response
    page = "alternatives" if request.POST.get("back") == "alternatives" else "dashboard"
    return redirect(f"{reverse(page)}#alternatives")


@require_POST
@login_required
@space_required
def propose(request: SpaceRequest) -> HttpResponse:
    form = ProposeForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            activity = service.propose_activity(space=request.space, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_error("name", error.message)
            status = error.status
        else:
            messages.success(request, ADDED)
            if not request.htmx:
                return redirect(f"{reverse('alternatives')}#answer-{activity.pk}")
            form = None
    else:
        status = 422
    context = _page_context(request, propose_form=form)
    return _render_mine(request, context, status)
