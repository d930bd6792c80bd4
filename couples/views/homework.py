"""Homework between sessions: the dashboard part, its page, and the small
forms that write it. With htmx the "homework" part comes back and is swapped
(the partner gets the same part live, from the writer); without JavaScript a
POST redirects back to where the person was (PRG), at the homework acted on.
Each write says what happened in a word or two, to the one who did it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from ..access import get_homework_for_member
from ..domain.errors import DomainError
from ..forms.homework import ActForm, DoneForm, ProposeForm, StageForm
from ..http import SpaceRequest, login_required, space_required
from ..models import Homework
from ..parts import homework as part
from ..parts import render_part_html
from ..services import homework as service

PAGE = "couples/homework.html"
# Homework shown on the page's history (the latest taken on together).
HISTORY_SHOWN = 50


def _back(request: SpaceRequest) -> str:
    return "homework" if request.POST.get("back") == "homework" else ""


def _back_url(request: SpaceRequest, anchor: str = "homework") -> str:
    page = "homework" if _back(request) else "dashboard"
    return f"{reverse(page)}#{anchor}"


def _history(space) -> list:
    taken_on = list(
        Homework.objects.for_couple(space.couple)
        .filter(accepted_at__isnull=False)
        .select_related("session")
        .order_by("-accepted_at", "-pk")[:HISTORY_SHOWN]
    )
    times = part.occurrence_rows([h.pk for h in taken_on], latest=None) if taken_on else {}
    return [{"homework": h, "occurrences": times[h.pk]} for h in taken_on]


def _respond(request: SpaceRequest, *, anchor="homework", status=200, **extra) -> HttpResponse:
    """After a write: the part for htmx, a redirect (PRG) without JavaScript;
    with errors (``status`` not 200) the part or the page with the form in place."""
    back = _back(request)
    if request.htmx:
        html = render_part_html("homework", request, request.space, back=back, **extra)
        response = HttpResponse(html, status=status)
    elif status == 200:
        return redirect(_back_url(request, anchor))
    else:
        response = _page(request, status=status, **extra)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refused(request: SpaceRequest, error: DomainError) -> HttpResponse:
    """A write that cannot happen (the partner answered first, the stage moved
    on): the homework as it now is, with the reason, in place of the old one."""
    messages.warning(request, error.message)
    return _respond(request, status=error.status)


def _page(request: SpaceRequest, *, status=200, propose_form=None, **extra) -> HttpResponse:
    space = request.space
    context = {
        "space": space,
        "history": _history(space),
        **part.PART.context(space, back="homework", **extra),
        "page_propose_form": propose_form or ProposeForm(sessions=part.offered_sessions(space)),
    }
    return render(request, PAGE, context, status=status)


@require_GET
@login_required
@space_required
def homework_page(request: SpaceRequest) -> HttpResponse:
    response = _page(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@login_required
@space_required
def propose(request: SpaceRequest) -> HttpResponse:
    space = request.space
    form = ProposeForm(request.POST, sessions=part.offered_sessions(space))
    if form.is_valid():
        try:
            homework = service.propose_homework(
                space=space,
                text=form.cleaned_data["text"],
                exercise=form.cleaned_data["exercise"],
                session_id=form.cleaned_data["session"],
            )
        except DomainError as error:
            form.add_error("text", error.message)
            return _respond(request, status=error.status, propose_form=form)
        messages.success(request, _("Proposed"))
        return _respond(request, anchor=f"homework-{homework.pk}")
    return _respond(request, status=422, propose_form=form)


@require_POST
@login_required
@space_required
def act(request: SpaceRequest, homework_id: int) -> HttpResponse:
    """Accept a proposal (the other partner), put it aside (either), or end
    homework under way (either)."""
    homework = get_homework_for_member(request.space, homework_id)
    form = ActForm(request.POST)
    if not form.is_valid():
        return _respond(request, status=422)
    action = form.cleaned_data["action"]
    try:
        if action == "accept":
            service.accept_homework(space=request.space, homework_id=homework.pk)
            said = _("Accepted: it is yours together now")
        elif action == "set_aside":
            service.set_aside_homework(space=request.space, homework_id=homework.pk)
            said = _("Put aside")
        else:
            service.end_homework(space=request.space, homework_id=homework.pk)
            said = pgettext("homework", "Ended")
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, said)
    return _respond(request, anchor=f"homework-{homework.pk}")


@require_POST
@login_required
@space_required
def done(request: SpaceRequest, homework_id: int) -> HttpResponse:
    homework = get_homework_for_member(request.space, homework_id)
    form = DoneForm(request.POST, homework_id=homework.pk)
    if form.is_valid():
        try:
            service.mark_done(space=request.space, homework_id=homework.pk, **form.cleaned_data)
        except DomainError as error:
            form.add_error("done_on", error.message)
            return _respond(request, status=error.status, done_form=form)
        messages.success(request, _("Marked done"))
        return _respond(request, anchor=f"homework-{homework.pk}")
    return _respond(request, status=422, done_form=form)


@require_POST
@login_required
@space_required
def done_remove(request: SpaceRequest, occurrence_id: int) -> HttpResponse:
    try:
        service.remove_occurrence(space=request.space, occurrence_id=occurrence_id)
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, _("Taken back"))
    return _respond(request)


@require_POST
@login_required
@space_required
def stage(request: SpaceRequest, homework_id: int) -> HttpResponse:
    homework = get_homework_for_member(request.space, homework_id)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _respond(request, status=422)
    action, number = form.cleaned_data["action"], form.cleaned_data["stage"]
    try:
        if action == "confirm":
            result = service.confirm_stage(
                space=request.space, homework_id=homework.pk, stage=number
            )
            if result.advanced and result.homework.is_open:
                said = _("You are both ready: on to the next stage")
            elif result.advanced:
                said = _("You are both ready: this exercise is complete")
            else:
                said = _("Saved")
        else:
            service.take_back_confirmation(
                space=request.space, homework_id=homework.pk, stage=number
            )
            said = _("Taken back")
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, said)
    return _respond(request, anchor=f"homework-{homework.pk}")
