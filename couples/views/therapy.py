"""Therapy-session preparation: sessions on the dashboard, a session page with
its shared agenda, and the list of all sessions. Every agenda control posts a
small form: with htmx the agenda partial (``#agenda-<session id>``) comes back
and is swapped; without JavaScript the POST redirects back to where the person
was (PRG), at the agenda or the topic acted on. Each write says what happened in
a word or two (``django.contrib.messages``; with htmx the words come with the
agenda, see config/messages.py), to the one who did it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ..access import get_agenda_topic_for_member, get_therapy_session_for_member
from ..domain.errors import Conflict, DomainError
from ..forms.therapy import DiscussedForm, MoveForm, SessionEditForm, SessionForm, TopicForm
from ..http import SpaceRequest, login_required, render_part, space_required
from ..models import TherapySession
from ..parts import DASHBOARD, dashboard_context
from ..parts import therapy as part
from ..services import therapy as service

SESSION_PAGE = "couples/therapy/session.html"
SESSIONS_PAGE = "couples/therapy/sessions.html"
SECTION = "couples/sections/therapy.html"
EARLIER_PER_PAGE = 30


def _from_dashboard(request) -> bool:
    return request.POST.get("back") == "dashboard"


def _back_url(request, session, anchor="") -> str:
    """Where the person was: the dashboard or the session page, at ``anchor``
    (an element both pages hold: the agenda or one of its topics)."""
    anchor = anchor or f"agenda-{session.pk}"
    if _from_dashboard(request):
        return f"{reverse('dashboard')}#{anchor}"
    return f"{reverse('therapy_session', args=[session.pk])}#{anchor}"


def _page_context(request: SpaceRequest, session, **extra) -> dict:
    compact = _from_dashboard(request)
    context = {
        "space": request.space,
        "edit_form": SessionEditForm(
            initial={
                "planned_for": session.planned_for,
                "therapist_name": session.therapist_name,
                "version": session.version,
            }
        ),
        "agenda_back": request.POST.get("back") or "session",
    }
    context.update(part.agenda_context(session, with_discussed=not compact))
    context.update(extra)
    return context


@require_POST
@login_required
@space_required
def session_create(request: SpaceRequest) -> HttpResponse:
    response = _session_create(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _session_create(request: SpaceRequest) -> HttpResponse:
    space = request.space
    form = SessionForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            session = service.plan_session(space=space, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, "Planned")
            if request.htmx:
                return render(request, f"{SECTION}#therapy", part.PART.context(space))
            return redirect("therapy_session", session.pk)
    if request.htmx:
        context = part.PART.context(space, session_form=form)
        return render(request, f"{SECTION}#therapy", context, status=status)
    context = dashboard_context(request, space, fresh=["therapy"], session_form=form)
    return render(request, DASHBOARD, context, status=status)


@require_GET
@login_required
@space_required
def session_detail(request: SpaceRequest, session_id: int) -> HttpResponse:
    session = get_therapy_session_for_member(request.space, session_id)
    return render(request, SESSION_PAGE, _page_context(request, session))


@require_GET
@login_required
@space_required
def session_list(request: SpaceRequest) -> HttpResponse:
    """Every session of the couple: those ahead, then the earlier ones a page at a time."""
    today = timezone.localdate()
    sessions = TherapySession.objects.for_couple(request.space.couple)
    upcoming = list(sessions.filter(planned_for__gte=today).order_by("planned_for", "pk"))
    earlier = sessions.filter(planned_for__lt=today).order_by("-planned_for", "-pk")
    page = Paginator(earlier, EARLIER_PER_PAGE).get_page(request.GET.get("page"))
    context = {"space": request.space, "upcoming": upcoming, "page": page}
    return render(request, SESSIONS_PAGE, context)


@require_POST
@login_required
@space_required
def session_update(request: SpaceRequest, session_id: int) -> HttpResponse:
    session = get_therapy_session_for_member(request.space, session_id)
    form = SessionEditForm(request.POST, saved_day=session.planned_for)
    status, conflict = 422, None
    if form.is_valid():
        try:
            session = service.update_session(
                space=request.space,
                session_id=session.pk,
                planned_for=form.cleaned_data["planned_for"],
                therapist_name=form.cleaned_data["therapist_name"],
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as error:
            status, conflict = error.status, error.message
            session.refresh_from_db()
            # Keep what they typed, but let the next save build on the saved version.
            data = request.POST.copy()
            data["version"] = session.version
            form = SessionEditForm(data, saved_day=session.planned_for)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, "Saved")
            if request.htmx:
                context = _page_context(request, session)
                return render(request, f"{SESSION_PAGE}#session-details", context)
            return redirect("therapy_session", session.pk)
    context = _page_context(request, session, edit_form=form, conflict=conflict)
    return render_part(request, SESSION_PAGE, context, partial="session-details", status=status)


def _agenda_response(
    request: SpaceRequest, session, *, status=200, done="", anchor="", **extra
) -> HttpResponse:
    """After an agenda write: the agenda partial (htmx) or back where they were;
    ``done`` says what happened."""
    if status == 200 and done:
        messages.success(request, done)
    if status == 200 and not request.htmx:
        return redirect(_back_url(request, session, anchor))
    session.refresh_from_db()
    context = _page_context(request, session, **extra)
    return render_part(request, SESSION_PAGE, context, partial="agenda", status=status)


def _run(request: SpaceRequest, session, write, *, done: str, anchor="") -> HttpResponse:
    try:
        write()
    except DomainError as error:
        return _agenda_response(request, session, status=error.status, agenda_error=error.message)
    return _agenda_response(request, session, done=done, anchor=anchor)


@require_POST
@login_required
@space_required
def topic_add(request: SpaceRequest, session_id: int) -> HttpResponse:
    session = get_therapy_session_for_member(request.space, session_id)
    form = TopicForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, session, status=422, topic_form=form)
    try:
        topic = service.add_topic(space=request.space, session_id=session.pk, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return _agenda_response(request, session, status=error.status, topic_form=form)
    return _agenda_response(
        request, session, done="Added to the agenda", anchor=f"topic-{topic.pk}"
    )


@require_POST
@login_required
@space_required
def topic_move(request: SpaceRequest, topic_id: int) -> HttpResponse:
    topic = get_agenda_topic_for_member(request.space, topic_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _agenda_response(
            request, topic.session, status=422, agenda_error="A topic can move up or down."
        )
    direction = form.cleaned_data["direction"]
    return _run(
        request,
        topic.session,
        lambda: service.move_topic(space=request.space, topic_id=topic.pk, direction=direction),
        done="Moved",
        anchor=f"topic-{topic.pk}",
    )


@require_POST
@login_required
@space_required
def topic_remove(request: SpaceRequest, topic_id: int) -> HttpResponse:
    topic = get_agenda_topic_for_member(request.space, topic_id)
    return _run(
        request,
        topic.session,
        lambda: service.remove_topic(space=request.space, topic_id=topic.pk),
        done="Removed",
    )


@require_POST
@login_required
@space_required
def topic_discussed(request: SpaceRequest, topic_id: int) -> HttpResponse:
    topic = get_agenda_topic_for_member(request.space, topic_id)
    form = DiscussedForm(request.POST)
    if not form.is_valid():
        return _agenda_response(
            request,
            topic.session,
            status=422,
            agenda_error="Choose whether the topic was discussed.",
        )
    discussed = form.cleaned_data["discussed"]
    return _run(
        request,
        topic.session,
        lambda: service.set_discussed(space=request.space, topic_id=topic.pk, discussed=discussed),
        # The agenda, not the topic: on the dashboard a discussed topic is not listed.
        done="Marked as discussed" if discussed else "Back on the agenda",
    )
