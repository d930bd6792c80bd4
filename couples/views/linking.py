"""Linking two accounts (invite, accept) and unlinking."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import current_space, open_invite_for
from ..domain.errors import DomainError
from ..domain.invite_codes import format_code
from ..forms.linking import JoinForm, UnlinkForm
from ..http import SpaceRequest, client_redirect, login_required, render_part, space_required
from ..parts import DASHBOARD, dashboard_context
from ..services import linking


def _to_dashboard(request) -> HttpResponse:
    if request.htmx:
        return client_redirect(reverse("dashboard"))
    return redirect("dashboard")


def _dashboard_context(request, **extra) -> dict:
    return dashboard_context(request, current_space(request.user), **extra)


# Between the no-JavaScript POST that makes a code and the GET that shows it, the
# code waits in the session, sealed (Fernet, with a key derived from SECRET_KEY)
# and for at most FRESH_CODE_SECONDS: the session table (the database) never
# holds it in clear, and the GET takes it out, so it is shown once.
_FRESH_CODE_KEY = "linking.fresh_invite_code"
FRESH_CODE_SECONDS = 300


def _fresh_code_box() -> Fernet:
    key = salted_hmac("couples.fresh-invite-code", "fernet-key", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _hold_fresh_code(request, invite, code) -> None:
    sealed = _fresh_code_box().encrypt(code.encode("ascii")).decode("ascii")
    request.session[_FRESH_CODE_KEY] = {"invite": invite.pk, "sealed": sealed}


def _take_fresh_code(request):
    """The code held for this person's current open invite, once; else None."""
    held = request.session.pop(_FRESH_CODE_KEY, None)
    invite = open_invite_for(request.user)
    if not isinstance(held, dict) or invite is None or held.get("invite") != invite.pk:
        return None, invite
    try:
        sealed = str(held.get("sealed", "")).encode("ascii")
        code = _fresh_code_box().decrypt(sealed, ttl=FRESH_CODE_SECONDS).decode("ascii")
    except (InvalidToken, UnicodeError):
        return None, invite
    if linking.code_digest(code) != invite.code_digest:
        return None, invite
    return code, invite


def _linking_with_code(request, invite, code) -> HttpResponse:
    context = _dashboard_context(
        request, open_invite=invite, new_code=format_code(code), new_code_raw=code
    )
    return render_part(request, DASHBOARD, context, partial="linking")


@sensitive_variables()
@require_http_methods(["GET", "POST"])
@login_required
def invite_create(request):
    """POST makes a code. htmx gets the section with the code at once; a plain
    form post is redirected to the GET, which shows the code this once (a reload
    re-GETs and makes nothing new)."""
    if request.method == "GET":
        code, invite = _take_fresh_code(request)
        if code is None:
            return _to_dashboard(request)
        return _linking_with_code(request, invite, code)
    if request.POST.get("replace") != "yes" and open_invite_for(request.user) is not None:
        # A code already out (perhaps just shown, perhaps already sent) is never
        # one tap from being replaced: the page that says what replacing does first.
        if request.htmx:
            return client_redirect(reverse("invite_replace"))
        return redirect("invite_replace")
    try:
        invite, code = linking.create_invite(creator=request.user)
    except DomainError as error:
        context = _dashboard_context(request, invite_error=error.message)
        return render_part(request, DASHBOARD, context, partial="linking", status=error.status)
    if request.htmx:
        # Rendered, not redirected: the code is shown this once and never stored in clear.
        return _linking_with_code(request, invite, code)
    _hold_fresh_code(request, invite, code)
    return redirect("invite_create")


@require_GET
@login_required
def invite_replace(request):
    """Before a new code replaces the open one: what that does, and the choice
    (a new code, withdraw it, or keep it). Nothing is changed by this GET."""
    invite = open_invite_for(request.user)
    if invite is None or current_space(request.user) is not None:
        return _to_dashboard(request)
    return render(request, "couples/invite_replace.html", {"open_invite": invite})


@require_POST
@login_required
def invite_revoke(request):
    linking.revoke_invite(creator=request.user)
    if request.htmx:
        return render_part(request, DASHBOARD, _dashboard_context(request), partial="linking")
    messages.info(request, _("Your invite was withdrawn."))
    return redirect("dashboard")


@require_http_methods(["GET", "POST"])
@login_required
def join(request, code=""):
    """Accept an invite. GET only shows the form (prefilled from a link): it
    neither checks nor reveals anything, so guessing must go through the
    throttled POST."""
    if request.method == "GET":
        form = JoinForm(initial={"code": format_code(code) if code else ""})
        return render(
            request, "couples/join.html", {"form": form, "space": current_space(request.user)}
        )
    form = JoinForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            linking.accept_invite(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            space = current_space(request.user)
            messages.success(
                request,
                _("You are now linked with %(name)s.") % {"name": space.partner.display_name},
            )
            return _to_dashboard(request)
    else:
        status = 422
    context = {"form": form, "space": current_space(request.user)}
    return render_part(request, "couples/join.html", context, partial="join-form", status=status)


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def unlink(request: SpaceRequest) -> HttpResponse:
    space = request.space
    if request.method == "GET":
        return render(request, "couples/unlink.html", {"space": space, "form": UnlinkForm()})
    form = UnlinkForm(request.POST)
    if not form.is_valid():
        context = {"space": space, "form": form}
        return render_part(
            request, "couples/unlink.html", context, partial="unlink-form", status=422
        )
    try:
        linking.unlink(user=request.user)
    except DomainError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("You are no longer linked. What you wrote stays yours."))
    return _to_dashboard(request)
