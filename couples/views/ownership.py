"""Each person's ownership of their data: export it, or delete the account.

- The export page explains what the download holds; the download itself sits
  behind the password re-auth (accounts.reauth), because it contains the
  person's decrypted reflections. "Download my data" opens the page again
  ready (``?ready``, behind the re-auth too), which says so and starts the
  download itself (a meta refresh: no script), so the person ends on this page
  with the words "Your download is starting", not on the password page.
- Deleting needs a fresh confirmation every time, whatever the sliding window
  says: the password on the form itself, or a confirmation by any factor
  (password, code, passkey) in the last ACCOUNT_REAUTHENTICATION_TIMEOUT
  seconds (accounts.reauth.confirmed_just_now), then no password field. A
  person without a password (passkey only) or with a second factor is sent to
  confirm first. Plus a
  confirmation tick; the service does the rest.
"""

import json

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from accounts.reauth import (
    confirmed_just_now,
    count_failed_confirmation,
    password_confirms,
    reauth_required,
)

from .. import export
from ..access import current_space
from ..forms.ownership import DeleteAccountForm
from ..http import login_required
from ..services import ownership as service

EXPORT_PAGE = "account/export.html"
DELETE_PAGE = "account/delete.html"


@require_GET
@login_required
def export_page(request):
    if "ready" in request.GET:
        return _export_ready(request)
    return render(request, EXPORT_PAGE, {})


@reauth_required
def _export_ready(request):
    messages.info(request, _("Your download is starting."))
    return render(request, EXPORT_PAGE, {"start_download": True})


@sensitive_variables()
@require_GET
@login_required
@reauth_required
def export_download(request):
    document = export.build_export(request.user)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    return response


@sensitive_variables()
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request):
    space = current_space(request.user)
    fresh = confirmed_just_now(request)
    ask_password = not fresh and password_confirms(request.user)
    confirm_url = f"{reverse('reauth_confirm')}?{urlencode({'next': reverse('account_delete')})}"
    context = {"space": space, "confirmed": fresh, "confirm_url": confirm_url}
    if not fresh and not ask_password:
        # No password to type here (passkey only, or a second factor, which the
        # password alone does not replace): confirm with a factor first.
        status = 200 if request.method == "GET" else 422
        return render(request, DELETE_PAGE, {**context, "form": None}, status=status)
    if request.method == "GET":
        form = DeleteAccountForm(ask_password=ask_password)
        return render(request, DELETE_PAGE, {**context, "form": form})
    form = DeleteAccountForm(request.POST, ask_password=ask_password)
    if form.is_valid():
        try:
            service.delete_account(
                user=request.user,
                password=form.cleaned_data.get("password"),
                confirmed_just_now=confirmed_just_now(request),
            )
        except service.WrongPassword as error:
            form.add_error("password" if ask_password else None, error.message)
            # Wrong passwords count like on the confirm page: too many end the session.
            if count_failed_confirmation(request):
                return redirect("account_login")
        else:
            # The service already deleted this session's row; end it here too,
            # without logout()'s signal: its receivers (axes) would write a login
            # record under the address of a person who no longer exists.
            request.session.flush()
            request.user = AnonymousUser()
            messages.info(request, _("Your account and everything you wrote are deleted."))
            return redirect("account_login")
    return render(request, DELETE_PAGE, {**context, "form": form}, status=422)
