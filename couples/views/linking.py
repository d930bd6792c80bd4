"""Linking two accounts (invite, accept) and unlinking."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.throttling import client_ip

from ..access import current_space
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


@require_POST
@login_required
def invite_create(request):
    try:
        invite, code = linking.create_invite(creator=request.user)
    except DomainError as error:
        context = _dashboard_context(request, invite_error=error.message)
        return render_part(request, DASHBOARD, context, partial="linking", status=error.status)
    # Rendered, not redirected: the code is shown this once and never stored in clear.
    context = _dashboard_context(
        request, open_invite=invite, new_code=format_code(code), new_code_raw=code
    )
    return render_part(request, DASHBOARD, context, partial="linking")


@require_POST
@login_required
def invite_revoke(request):
    linking.revoke_invite(creator=request.user)
    if request.htmx:
        return render_part(request, DASHBOARD, _dashboard_context(request), partial="linking")
    messages.info(request, "Your invite was withdrawn.")
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
            linking.accept_invite(
                user=request.user, code=form.cleaned_data["code"], ip_address=client_ip(request)
            )
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            space = current_space(request.user)
            messages.success(request, f"You are now linked with {space.partner.display_name}.")
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
        messages.success(request, "You are no longer linked. What you wrote stays yours.")
    return _to_dashboard(request)
