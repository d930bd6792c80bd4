"""Therapy-session preparation: sessions on the dashboard, a session page with
its shared agenda, and the list of all sessions. Every agenda control posts a
small form: with htmx the agenda partial (``#agenda-<session id>``) comes back
and is swapped; without JavaScript the POST redirects back to where the person
was (PRG), at the agenda or the topic acted on. Each write says what happened in
a word or two (``django.contrib.messages``; with htmx the words come with the
agenda, see config/messages.py), to the one who did it."""

import hashlib
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from accounts.reauth import is_fresh, reauth_required
from accounts.throttling import client_ip

from .. import brief
from ..access import (
    get_agenda_topic_for_member,
    get_therapist_link_for_member,
    get_therapy_session_for_member,
    open_therapist_link,
    own_reflections,
    therapist_links_for,
)
from ..domain.errors import Conflict, DomainError
from ..forms.therapy import (
    DiscussedForm,
    MoveForm,
    SessionEditForm,
    SessionForm,
    TherapistLinkForm,
    TopicForm,
)
from ..http import SpaceRequest, login_required, render_part, space_required, within_a_minute
from ..models import TherapistLinkView, TherapySession
from ..parts import DASHBOARD, dashboard_context
from ..parts import therapy as part
from ..pdf import html_to_pdf
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
    if not compact:
        context.update(_links_context(request, session))
    context.update(extra)
    return context


def _links_context(request: SpaceRequest, session) -> dict:
    """The session's therapist links as the viewer sees them: both partners see
    every link, its consents and every view; only the viewer's own picks (and
    reflections, while their confirmation is fresh) are read."""
    space = request.space
    now = timezone.now()
    fresh = is_fresh(request)
    flagged = list(own_reflections(space.me).filter(bring_to_therapy=True)) if fresh else []
    flagged.reverse()
    rows = []
    for link in therapist_links_for(space, session):
        consented = {consent.person_id for consent in link.consents.all()}
        live = link.is_live(now)
        rows.append(
            {
                "link": link,
                "live": live,
                "works": live and {space.me.pk, space.partner.pk} <= consented,
                "i_consented": space.me.pk in consented,
                "partner_consented": space.partner.pk in consented,
                "views": list(link.views.all()),
                "my_picks": {pick.reflection_id for pick in link.my_picks} if fresh else set(),
            }
        )
    initial = {"therapist_name": session.therapist_name, "days": 7}
    return {
        "therapist_links": rows,
        "flagged_reflections": flagged,
        "reflections_fresh": fresh,
        "link_form": TherapistLinkForm(initial=initial),
        "picks_confirm_url": f"{reverse('reauth_confirm')}?"
        + urlencode({"next": reverse("therapy_session", args=[session.pk])}),
    }


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
            messages.success(request, _("Planned"))
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
            messages.success(request, _("Saved"))
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
        request, session, done=_("Added to the agenda"), anchor=f"topic-{topic.pk}"
    )


@require_POST
@login_required
@space_required
def topic_move(request: SpaceRequest, topic_id: int) -> HttpResponse:
    topic = get_agenda_topic_for_member(request.space, topic_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _agenda_response(
            request, topic.session, status=422, agenda_error=_("A topic can move up or down.")
        )
    direction = form.cleaned_data["direction"]
    return _run(
        request,
        topic.session,
        lambda: service.move_topic(space=request.space, topic_id=topic.pk, direction=direction),
        done=_("Moved"),
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
        done=_("Removed"),
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
            agenda_error=_("Choose whether the topic was discussed."),
        )
    discussed = form.cleaned_data["discussed"]
    return _run(
        request,
        topic.session,
        lambda: service.set_discussed(space=request.space, topic_id=topic.pk, discussed=discussed),
        # The agenda, not the topic: on the dashboard a discussed topic is not listed.
        done=_("Marked as discussed") if discussed else _("Back on the agenda"),
    )


# --- A therapist's copy: managing the links (members) --------------------------------


def _links_response(request: SpaceRequest, session, *, status=200, done="", **extra):
    """After a link write: the links section (htmx, or a form error), else back to it."""
    if status == 200 and done:
        messages.success(request, done)
    if status == 200 and not request.htmx and "new_link_url" not in extra:
        return redirect(f"{reverse('therapy_session', args=[session.pk])}#therapist-links")
    context = _page_context(request, session, **extra)
    if request.htmx:
        response = render(request, f"{SESSION_PAGE}#therapist-links", context, status=status)
    else:
        response = render(request, SESSION_PAGE, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@login_required
@space_required
def therapist_link_create(request: SpaceRequest, session_id: int) -> HttpResponse:
    """Make a link. Its full address is in this one answer and never again (only
    a hash is kept), so this POST answers with the page itself, not a redirect."""
    session = get_therapy_session_for_member(request.space, session_id)
    form = TherapistLinkForm(request.POST)
    if not form.is_valid():
        return _links_response(request, session, status=422, link_form=form)
    try:
        link, token = service.create_therapist_link(
            space=request.space,
            session_id=session.pk,
            therapist_name=form.cleaned_data["therapist_name"],
            days=form.cleaned_data["days"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _links_response(request, session, status=error.status, link_form=form)
    url = request.build_absolute_uri(reverse("therapist_view", args=[token]))
    return _links_response(
        request, session, done=_("Link made"), new_link_url=url, new_link_id=link.pk
    )


def _link_write(request: SpaceRequest, link_id: int, write, *, done: str) -> HttpResponse:
    link = get_therapist_link_for_member(request.space, link_id)
    try:
        write(link)
    except DomainError as error:
        return _links_response(
            request, link.session, status=error.status, links_error=error.message
        )
    return _links_response(request, link.session, done=done)


@require_POST
@login_required
@space_required
def therapist_link_consent(request: SpaceRequest, link_id: int) -> HttpResponse:
    return _link_write(
        request,
        link_id,
        lambda link: service.consent_to_therapist_link(space=request.space, link_id=link.pk),
        done=_("You agreed"),
    )


@require_POST
@login_required
@space_required
def therapist_link_revoke(request: SpaceRequest, link_id: int) -> HttpResponse:
    return _link_write(
        request,
        link_id,
        lambda link: service.revoke_therapist_link(space=request.space, link_id=link.pk),
        done=_("Revoked: the link no longer works"),
    )


@sensitive_variables()
@require_POST
@login_required
@reauth_required
@space_required
def therapist_link_picks(request: SpaceRequest, link_id: int) -> HttpResponse:
    """Which of my reflections flagged "bring to therapy" go in this copy."""
    chosen = request.POST.getlist("reflection")
    return _link_write(
        request,
        link_id,
        lambda link: service.set_therapist_picks(
            space=request.space, link_id=link.pk, reflection_ids=chosen
        ),
        done=_("Saved"),
    )


# --- A therapist's copy: the link itself (no account) --------------------------------

# Every request to a therapist link counts, known token or not, per client
# address (counted in the default cache under a hash of the address, for a
# minute): enough for a therapist who reloads, nothing for a guesser (who has
# 2^256 tokens to try anyway).
THERAPIST_VIEWS_PER_MINUTE = 20


def _therapist_request_allowed(request) -> bool:
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return within_a_minute(f"therapist-link:{address}", THERAPIST_VIEWS_PER_MINUTE)


def _unlisted(response: HttpResponse) -> HttpResponse:
    """Never kept, never indexed, never named in a Referer."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _therapist_copy(view):
    """Rate limit, then the link (404 for every link that does not work now)."""

    @wraps(view)
    def wrapper(request, token: str):
        if not _therapist_request_allowed(request):
            response = HttpResponse(
                _("Too many requests. Please wait a minute and try again."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            return response
        try:
            link, space = open_therapist_link(token)
        except Http404:
            return render(request, "couples/therapy/therapist-missing.html", status=404)
        return view(request, token, link, space)

    return wrapper


def _unlisted_view(view):
    """Every answer at a therapist link is unlisted, a 405 included."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _unlisted(view(request, *args, **kwargs))

    return wrapper


@sensitive_variables()
@_unlisted_view
@require_GET
@_therapist_copy
def therapist_view(request, token: str, link, space) -> HttpResponse:
    service.record_therapist_view(link=link, kind=TherapistLinkView.PAGE)
    context = brief.therapist_context(request, link, space)
    context["pdf_url"] = reverse("therapist_pdf", args=[token])
    return render(request, brief.TEMPLATE, context)


@sensitive_variables()
@_unlisted_view
@require_GET
@_therapist_copy
def therapist_pdf(request, token: str, link, space) -> HttpResponse:
    """The same content as the page, as a PDF."""
    service.record_therapist_view(link=link, kind=TherapistLinkView.PDF)
    context = brief.therapist_context(request, link, space, pdf=True)
    html = render_to_string(brief.TEMPLATE, context, request=request)
    pdf = html_to_pdf(html, read_static=brief.read_static)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{brief.filename(link.session, "pdf")}"'
    )
    return response
