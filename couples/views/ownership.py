"""Each person's ownership of their data: export it, or delete the account.

- The export page explains what the download holds; the download itself sits
  behind the password re-auth (accounts.reauth), because it contains the
  person's decrypted reflections. "Download my data" opens the page again
  ready (``?ready``, behind the re-auth too), which says so and starts the
  download itself (a meta refresh: no script), so the person ends on this page
  with the words "Your download is starting", not on the password page.
- Deleting asks for the password on the form itself (every time, whatever the
  re-auth window says) and a confirmation tick; the service does the rest.
"""

import json

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from accounts.reauth import count_failed_confirmation, reauth_required

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
    messages.info(request, "Your download is starting.")
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
    if request.method == "GET":
        return render(request, DELETE_PAGE, {"form": DeleteAccountForm(), "space": space})
    form = DeleteAccountForm(request.POST)
    if form.is_valid():
        try:
            service.delete_account(user=request.user, password=form.cleaned_data["password"])
        except service.WrongPassword as error:
            form.add_error("password", error.message)
            # Wrong passwords count like on the confirm page: too many end the session.
            if count_failed_confirmation(request):
                return redirect("account_login")
        else:
            # The service already deleted this session's row; end it here too,
            # without logout()'s signal: its receivers (axes) would write a login
            # record under the address of a person who no longer exists.
            request.session.flush()
            request.user = AnonymousUser()
            messages.info(request, "Your account and everything you wrote are deleted.")
            return redirect("account_login")
    return render(request, DELETE_PAGE, {"form": form, "space": space}, status=422)
