"""Re-authentication for the most private pages.

A signed-in session may be old, or on a borrowed device. Pages wrapped with
``reauth_required`` ask for the password again once the person has been away
from them for ``REFLECTIONS_REAUTH_MINUTES``: the moment of the last
confirmation (or of the last activity on such a page) lives in the session and
slides forward with every request that passes.

- A lapsed GET is sent to the confirm page (htmx: ``HX-Redirect``).
- A lapsed POST is not thrown away: the confirm page is shown with what was
  just sent kept in hidden fields, posting back to the same address, so the
  words typed in a long writing session are saved once the password is given.
  Only the sender ever sees their own submission echoed back.
- Logging in counts as a confirmation (the password was just typed).
- After ``MAX_FAILED_CONFIRMATIONS`` wrong passwords the session is ended: the
  login page, with its own throttling, is the only way back in.
"""

import time
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url, reswap, retarget

from .http import client_redirect, login_required

SESSION_KEY = "reauth_at"
FAILURES_KEY = "reauth_failures"
PASSWORD_FIELD = "reauth_password"  # noqa: S105  (a form field name)
MAX_FAILED_CONFIRMATIONS = 5
TEMPLATE = "account/reauth.html"


def reauth_window_seconds():
    return settings.REFLECTIONS_REAUTH_MINUTES * 60


def is_fresh(request):
    """True while the person confirmed (or used a guarded page) recently."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    stamp = session.get(SESSION_KEY)
    if not isinstance(stamp, int | float):
        return False
    return 0 <= time.time() - stamp <= reauth_window_seconds()


def mark_fresh(request):
    request.session[SESSION_KEY] = time.time()
    request.session.pop(FAILURES_KEY, None)


@receiver(user_logged_in, dispatch_uid="accounts.reauth.login_confirms")
def _login_confirms(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_fresh(request)


class ConfirmPasswordForm(forms.Form):
    reauth_password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_reauth_password(self):
        password = self.cleaned_data["reauth_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password does not match. Please try again.")
        return password


def _failed(request):
    """Count a wrong password; end the session after too many."""
    failures = int(request.session.get(FAILURES_KEY, 0)) + 1
    if failures >= MAX_FAILED_CONFIRMATIONS:
        logout(request)
        return True
    request.session[FAILURES_KEY] = failures
    return False


def count_failed_confirmation(request):
    """For other password prompts (e.g. deleting the account): count a wrong
    password like the confirm page does. True when the session was just ended."""
    return _failed(request)


def _signed_out_response(request):
    login = reverse(settings.LOGIN_URL)
    if request.htmx:
        return client_redirect(login, status=401)
    return redirect(login)


def _hidden_fields(post):
    return [
        (name, value)
        for name, values in post.lists()
        if name not in {"csrfmiddlewaretoken", PASSWORD_FIELD}
        for value in values
    ]


def _render_confirm(request, form, *, action, status):
    context = {
        "form": form,
        "action": action,
        "next": "",
        "hidden_fields": _hidden_fields(request.POST),
    }
    template = f"{TEMPLATE}#reauth" if request.htmx else TEMPLATE
    response = render(request, template, context, status=status)
    if request.htmx:
        # Show the whole confirm page in place of the main content.
        push_url(reswap(retarget(response, "#main"), "innerHTML"), False)
    patch_vary_headers(response, ["HX-Request"])
    return response


def reauth_required(view):
    """Ask for the password again after idleness. Put it under ``login_required``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_fresh(request):
            mark_fresh(request)  # activity on a guarded page slides the window
            return view(request, *args, **kwargs)
        if request.method == "POST":
            action = request.get_full_path()
            if PASSWORD_FIELD not in request.POST:
                form = ConfirmPasswordForm(user=request.user)
                return _render_confirm(request, form, action=action, status=200)
            form = ConfirmPasswordForm(request.POST, user=request.user)
            if form.is_valid():
                mark_fresh(request)
                return view(request, *args, **kwargs)
            if _failed(request):
                return _signed_out_response(request)
            return _render_confirm(request, form, action=action, status=422)
        target = f"{reverse('reauth_confirm')}?{urlencode({'next': request.get_full_path()})}"
        if request.htmx:
            return client_redirect(target, status=401)
        return redirect(target)

    return wrapper


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("dashboard")


@sensitive_post_parameters(PASSWORD_FIELD)
@require_http_methods(["GET", "POST"])
@login_required
def confirm_password(request):
    """The small page that asks for the password again, then goes back."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    action = reverse("reauth_confirm")
    if request.method == "GET":
        form = ConfirmPasswordForm(user=request.user)
        return render(
            request,
            TEMPLATE,
            {"form": form, "action": action, "next": next_url, "hidden_fields": []},
        )
    form = ConfirmPasswordForm(request.POST, user=request.user)
    if form.is_valid():
        mark_fresh(request)
        return redirect(next_url)
    if _failed(request):
        return _signed_out_response(request)
    return render(
        request,
        TEMPLATE,
        {"form": form, "action": action, "next": next_url, "hidden_fields": []},
        status=422,
    )
