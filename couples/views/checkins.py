"""The weekly check-in: this week's page (live), a past week's page (to read),
and the list of past check-ins. Each step posts its own small form: with htmx
the step comes back and is swapped (``#step-<name>``); without JavaScript the
POST redirects back to the step (PRG). Nothing here counts weeks, reminds or
says a week was missed."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import (
    agreed_changes_between,
    checkins_in,
    get_checkin_for_member,
    next_open_session,
    open_rain_checks,
)
from ..domain.checkins import week_bounds, week_start_for
from ..domain.errors import DomainError, NotFound
from ..forms.checkins import AppreciationForm, CheckInTopicForm, WentWellForm
from ..http import SpaceRequest, login_required, space_required
from ..parts import checkins as part
from ..parts.moment import rain_check_label
from ..services import checkins as service

PAGE = "couples/checkin.html"
WEEK_PAGE = "couples/checkin_week.html"
PAST_PAGE = "couples/checkin_past.html"
PAST_PER_PAGE = 30


def _forms(entry, **bound) -> dict:
    forms = {
        "appreciation_form": AppreciationForm(),
        "went_well_form": WentWellForm(initial={"text": entry.went_well if entry else ""}),
        "topic_form": CheckInTopicForm(initial={"text": entry.topic if entry else ""}),
    }
    forms.update(bound)
    return forms


def _left_off(space, week):
    """The latest earlier check-in anyone wrote in, to pick up from (or None)."""
    earlier = (
        checkins_in(space)
        .filter(week_start__lt=week, entries__isnull=False)
        .distinct()
        .order_by("-week_start")
    )
    checkin = part.with_entries(earlier).first()
    if checkin is None:
        return None
    topics = [
        (entry.author, entry)
        for entry in checkin.entries.all()
        if entry.topic and entry.author_id in {space.me.pk, space.partner.pk}
    ]
    return {"checkin": checkin, "topics": topics}


def _page_context(request: SpaceRequest, **bound) -> dict:
    space = request.space
    rows = part.load(space)
    context = {"space": space, **part.build_topics(space, rows)}
    week = context["week"]
    start, end = week_bounds(space.me, week)
    context.update(
        {
            "rain_checks": [
                {"item": check, "label": rain_check_label(check, localdate())}
                for check in open_rain_checks(space)
            ],
            "agreed_changes": agreed_changes_between(space, start, end),
            "left_off": _left_off(space, week),
            "week_end": week + datetime.timedelta(days=6),
            "live": True,
        }
    )
    context.update(_forms(context["my_entry"], **bound))
    return context


@require_GET
@login_required
@space_required
def checkin(request: SpaceRequest) -> HttpResponse:
    """This week's check-in. An htmx GET (the live page catching up after a
    reconnect) gets the page's body only."""
    context = _page_context(request)
    template = f"{PAGE}#checkin-body" if request.htmx else PAGE
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
@space_required
def checkin_past(request: SpaceRequest) -> HttpResponse:
    """Every earlier check-in someone wrote in, latest first, to read."""
    this_week = week_start_for(request.space.me)
    earlier = (
        checkins_in(request.space)
        .filter(week_start__lt=this_week, entries__isnull=False)
        .distinct()
        .order_by("-week_start", "-pk")
    )
    page = Paginator(earlier, PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, PAST_PAGE, {"space": request.space, "page": page})


@require_GET
@login_required
@space_required
def checkin_week(request: SpaceRequest, week: str) -> HttpResponse:
    """A past (or this) week's check-in, to read; its topics can still be moved."""
    try:
        week_start = datetime.date.fromisoformat(week)
    except ValueError:
        raise NotFound("There is no check-in for that week.") from None
    space = request.space
    checkin = get_checkin_for_member(space, week_start)
    if week_start == week_start_for(space.me):
        return redirect("checkin")
    checkin = part.with_entries(checkins_in(space).filter(pk=checkin.pk)).get()
    start, end = week_bounds(space.me, week_start)
    context = {
        "space": space,
        **part.week_context(space, checkin, week_start),
        "week_end": week_start + datetime.timedelta(days=6),
        "agreed_changes": agreed_changes_between(space, start, end),
        "next_session": next_open_session(space),
        "live": False,
    }
    return render(request, WEEK_PAGE, context)


# --- writes -------------------------------------------------------------------------


def _step_response(request: SpaceRequest, step: str, *, status=200, done="", **bound):
    """After a write: the step (htmx: the live part with a fresh form) or back
    to it on the page."""
    if status == 200 and done:
        messages.success(request, done)
    if status == 200 and not request.htmx:
        return redirect(f"{reverse('checkin')}#step-{step}")
    context = _page_context(request, **bound)
    template = f"{PAGE}#step-{step}" if request.htmx else PAGE
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _write(request, step, form, write, *, done, form_key):
    if not form.is_valid():
        return _step_response(request, step, status=422, **{form_key: form})
    try:
        write(form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return _step_response(request, step, status=error.status, **{form_key: form})
    return _step_response(request, step, done=done)


@require_POST
@login_required
@space_required
def appreciation_add(request: SpaceRequest) -> HttpResponse:
    return _write(
        request,
        "appreciations",
        AppreciationForm(request.POST),
        lambda data: service.add_appreciation(space=request.space, text=data["text"]),
        done=_("Shared"),
        form_key="appreciation_form",
    )


@require_POST
@login_required
@space_required
def appreciation_remove(request: SpaceRequest, appreciation_id: int) -> HttpResponse:
    try:
        service.remove_appreciation(space=request.space, appreciation_id=appreciation_id)
    except DomainError as error:
        return _step_response(
            request, "appreciations", status=error.status, appreciations_error=error.message
        )
    return _step_response(request, "appreciations", done=_("Taken back"))


@require_POST
@login_required
@space_required
def went_well_save(request: SpaceRequest) -> HttpResponse:
    return _write(
        request,
        "went-well",
        WentWellForm(request.POST),
        lambda data: service.save_went_well(space=request.space, text=data["text"]),
        done=_("Saved"),
        form_key="went_well_form",
    )


@require_POST
@login_required
@space_required
def topic_save(request: SpaceRequest) -> HttpResponse:
    return _write(
        request,
        "topics",
        CheckInTopicForm(request.POST),
        lambda data: service.save_topic(space=request.space, text=data["text"]),
        done=_("Saved"),
        form_key="topic_form",
    )


@require_POST
@login_required
@space_required
def topic_move(request: SpaceRequest, entry_id: int) -> HttpResponse:
    """Put a topic on the next session's agenda. From a past week's page (``back``
    is its week), the person goes back there."""
    back = request.POST.get("back", "")
    try:
        service.move_topic_to_agenda(space=request.space, entry_id=entry_id)
    except DomainError as error:
        if back and not request.htmx:
            messages.error(request, error.message)
            return redirect(_week_url(back))
        return _step_response(request, "topics", status=error.status, topics_error=error.message)
    if back and not request.htmx:
        messages.success(request, _("Added to the agenda"))
        return redirect(_week_url(back))
    return _step_response(request, "topics", done=_("Added to the agenda"))


def _week_url(back: str) -> str:
    try:
        week = datetime.date.fromisoformat(back)
    except ValueError:
        return reverse("checkin")
    return f"{reverse('checkin_week', args=[week.isoformat()])}#step-topics"
