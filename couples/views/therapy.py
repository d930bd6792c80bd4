"""Therapy-session preparation: sessions on the dashboard, a session page with
its shared agenda. Every agenda control posts a small form: with htmx the
agenda partial (``#agenda-<session id>``) comes back and is swapped; without
JavaScript the POST redirects back to where the person was (PRG)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from .. import parts
from ..access import (
    get_agenda_topic_for_member,
    get_space_for_member,
    get_therapy_session_for_member,
)
from ..forms.therapy import DiscussedForm, MoveForm, SessionEditForm, SessionForm, TopicForm
from ..http import login_required, render_part
from ..models import TherapySession
from ..services import Conflict, ServiceError
from ..services import therapy as service
from .dashboard import DASHBOARD, dashboard_context

SESSION_PAGE = "couples/therapy/session.html"
SECTION = "couples/sections/therapy.html"


def agenda_context(session, **extra):
    """What the agenda partial needs: the session and its topics with their authors."""
    topics = list(session.topics.select_related("added_by").order_by("position", "pk"))
    context = {"session": session, "topics": topics, "topic_form": TopicForm()}
    context.update(extra)
    return context


def _upcoming(sessions):
    """The next session from today on; else the most recent one."""
    today = timezone.localdate()
    ahead = [s for s in sessions if s.planned_for >= today]
    if ahead:
        return min(ahead, key=lambda s: (s.planned_for, s.pk))
    return sessions[0] if sessions else None


@parts.register("therapy", SECTION)
def therapy_context(request, space, **extra):
    """The dashboard part: the couple's sessions and the upcoming session's agenda.

    Two queries whatever the number of sessions or topics. Live sync pushes this
    whole part, so the upcoming agenda travels with it.
    """
    sessions = list(TherapySession.objects.for_couple(space.couple).order_by("-planned_for", "-pk"))
    upcoming = _upcoming(sessions)
    context = {
        "therapy_sessions": sessions,
        "upcoming_session": upcoming,
        "session_form": SessionForm(),
        "agenda_back": "dashboard",
    }
    if upcoming is not None:
        context.update(agenda_context(upcoming))
    context.update(extra)
    return context


def _back_url(request, session):
    if request.POST.get("back") == "dashboard":
        return reverse("dashboard") + "#therapy"
    return reverse("therapy_session", args=[session.pk])


def _page_context(request, space, session, **extra):
    context = {
        "space": space,
        "edit_form": SessionEditForm(
            initial={
                "planned_for": session.planned_for,
                "therapist_name": session.therapist_name,
                "version": session.version,
            }
        ),
        "agenda_back": request.POST.get("back") or "session",
    }
    context.update(agenda_context(session))
    context.update(extra)
    return context


@require_POST
@login_required
def session_create(request):
    response = _session_create(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _session_create(request):
    space = get_space_for_member(request.user)
    form = SessionForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            session = service.plan_session(user=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if request.htmx:
                context = {"space": space, **therapy_context(request, space)}
                return render(request, f"{SECTION}#therapy", context)
            return redirect("therapy_session", session.pk)
    if request.htmx:
        context = {"space": space, **therapy_context(request, space, session_form=form)}
        return render(request, f"{SECTION}#therapy", context, status=status)
    context = dashboard_context(request, space, fresh=["therapy"], session_form=form)
    return render(request, DASHBOARD, context, status=status)


@require_GET
@login_required
def session_detail(request, session_id):
    space, session = get_therapy_session_for_member(request.user, session_id)
    return render(request, SESSION_PAGE, _page_context(request, space, session))


@require_POST
@login_required
def session_update(request, session_id):
    space, session = get_therapy_session_for_member(request.user, session_id)
    form = SessionEditForm(request.POST)
    status, conflict = 422, None
    if form.is_valid():
        try:
            session = service.update_session(
                user=request.user,
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
            form = SessionEditForm(data)
        except ServiceError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if request.htmx:
                context = _page_context(request, space, session)
                return render(request, f"{SESSION_PAGE}#session-details", context)
            return redirect("therapy_session", session.pk)
    context = _page_context(request, space, session, edit_form=form, conflict=conflict)
    return render_part(request, SESSION_PAGE, context, partial="session-details", status=status)


def _agenda_response(request, space, session, *, status=200, **extra):
    """After an agenda write: the agenda partial (htmx) or back where they were."""
    if status == 200 and not request.htmx:
        return redirect(_back_url(request, session))
    session.refresh_from_db()
    context = _page_context(request, space, session, **extra)
    return render_part(request, SESSION_PAGE, context, partial="agenda", status=status)


def _run(request, space, session, write):
    try:
        write()
    except service.NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        return _agenda_response(
            request, space, session, status=error.status, agenda_error=error.message
        )
    return _agenda_response(request, space, session)


@require_POST
@login_required
def topic_add(request, session_id):
    space, session = get_therapy_session_for_member(request.user, session_id)
    form = TopicForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, space, session, status=422, topic_form=form)
    try:
        service.add_topic(user=request.user, session_id=session.pk, **form.cleaned_data)
    except service.NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        form.add_error(None, error.message)
        return _agenda_response(request, space, session, status=error.status, topic_form=form)
    return _agenda_response(request, space, session)


@require_POST
@login_required
def topic_move(request, topic_id):
    space, topic = get_agenda_topic_for_member(request.user, topic_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _agenda_response(
            request, space, topic.session, status=422, agenda_error="A topic can move up or down."
        )
    direction = form.cleaned_data["direction"]
    return _run(
        request,
        space,
        topic.session,
        lambda: service.move_topic(user=request.user, topic_id=topic.pk, direction=direction),
    )


@require_POST
@login_required
def topic_remove(request, topic_id):
    space, topic = get_agenda_topic_for_member(request.user, topic_id)
    return _run(
        request,
        space,
        topic.session,
        lambda: service.remove_topic(user=request.user, topic_id=topic.pk),
    )


@require_POST
@login_required
def topic_discussed(request, topic_id):
    space, topic = get_agenda_topic_for_member(request.user, topic_id)
    form = DiscussedForm(request.POST)
    if not form.is_valid():
        return _agenda_response(
            request,
            space,
            topic.session,
            status=422,
            agenda_error="Choose whether the topic was discussed.",
        )
    discussed = form.cleaned_data["discussed"]
    return _run(
        request,
        space,
        topic.session,
        lambda: service.set_discussed(user=request.user, topic_id=topic.pk, discussed=discussed),
    )
