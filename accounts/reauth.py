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
- After ``MAX_FAILED_CONFIRMATIONS`` wrong passwords (or codes) the session is
  ended: the login page, with its own throttling, is the only way back in.

Any factor confirms (issue 18, item 2; docs/decisions.md): the password (only
for people without a second factor), a code from an authenticator app or a
recovery code (checked by allauth.mfa's own
reauthenticate form, with its per-person limit), or a passkey (allauth's
``mfa_reauthenticate_webauthn`` page, linked from the confirm page). Both ways
round: a fresh allauth re-authentication record (``reauthenticated: True``, the
one the security settings ask for) counts here while it is younger than our
window, and a confirmation here writes that same record, so confirming once
opens both. What allauth has no notion of stays here: the sliding window, the
kept POST in hidden fields, the session ending after too many wrong answers.
"""

import json
import time
from functools import wraps

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import (
    STATE_SESSION_KEY,
    reauthenticate_by_password,
)
from allauth.core.internal.httpkit import serialize_request
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url, reswap, retarget

from .http import client_redirect, login_required

SESSION_KEY = "reauth_at"
FAILURES_KEY = "reauth_failures"
PASSWORD_FIELD = "reauth_password"  # noqa: S105  (a form field name)
CODE_FIELD = "reauth_code"
MAX_FAILED_CONFIRMATIONS = 5
TEMPLATE = "account/reauth.html"


def reauth_window_seconds():
    return settings.REFLECTIONS_REAUTH_MINUTES * 60


def last_factor_confirmation(request):
    """When allauth last recorded a re-authentication of this person in this
    session (password, code or passkey), or None. Logins are not counted here:
    their records carry no ``reauthenticated`` mark."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    stamps = [
        record.get("at")
        for record in get_authentication_records(request, user)
        if record.get("reauthenticated") and isinstance(record.get("at"), int | float)
    ]
    return max(stamps) if stamps else None


def _within(stamp, seconds):
    return isinstance(stamp, int | float) and 0 <= time.time() - stamp <= seconds


def is_fresh(request):
    """True while the person confirmed (or used a guarded page) recently."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    window = reauth_window_seconds()
    return _within(session.get(SESSION_KEY), window) or _within(
        last_factor_confirmation(request), window
    )


def confirmed_just_now(request):
    """Strict, for deleting the account: a real confirmation by any factor within
    allauth's ACCOUNT_REAUTHENTICATION_TIMEOUT, never the sliding window."""
    return _within(last_factor_confirmation(request), account_settings.REAUTHENTICATION_TIMEOUT)


def code_types(user):
    """The code kinds this person can confirm with (an app, recovery codes)."""
    return set(
        Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        ).values_list("type", flat=True)
    )


def has_passkey(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def password_confirms(user):
    """The password confirms only for people without a second factor: with a
    passkey or an app, confirming asks for that (like allauth's pages do,
    accounts.adapter.get_reauthentication_methods)."""
    return (
        user.has_usable_password()
        and not Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def mark_fresh(request):
    request.session[SESSION_KEY] = time.time()
    request.session.pop(FAILURES_KEY, None)


@receiver(user_logged_in, dispatch_uid="accounts.reauth.login_confirms")
def _login_confirms(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_fresh(request)


class ConfirmPasswordForm(forms.Form):
    """The password, or a code from an authenticator app / a recovery code.

    Only what confirms for this person: the password when there is no second
    factor, else the code (a passkey goes through allauth's page). The code is checked by
    allauth.mfa's reauthenticate form (accounts.mfa_forms: one use per code,
    5 wrong codes in 5 minutes per person), which also writes allauth's
    re-authentication record."""

    reauth_password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=1024,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    reauth_code = forms.CharField(
        label=gettext_lazy("Or a code from your authenticator app (or a recovery code)"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.code_form = None
        super().__init__(*args, **kwargs)
        self.offers_password = password_confirms(user)
        self.offers_code = bool(code_types(user))
        if not self.offers_password:
            del self.fields[PASSWORD_FIELD]
            if self.offers_code:
                code_field = self.fields[CODE_FIELD]
                code_field.label = _("A code from your authenticator app (or a recovery code)")
                code_field.widget.attrs["autofocus"] = True
        if not self.offers_code:
            del self.fields[CODE_FIELD]

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get(PASSWORD_FIELD) or ""
        code = (cleaned.get(CODE_FIELD) or "").strip()
        if password:
            if not self.user.check_password(password):
                self.add_error(PASSWORD_FIELD, _("That password does not match. Please try again."))
            return cleaned
        if code:
            from .mfa_forms import ReauthenticateForm

            self.code_form = ReauthenticateForm(data={"code": code}, user=self.user)
            if not self.code_form.is_valid():
                for message in self.code_form.errors.get("code", []):
                    self.add_error(CODE_FIELD, message)
            return cleaned
        if self.offers_password:
            self.add_error(PASSWORD_FIELD, _("Enter your password to continue."))
        elif self.offers_code:
            self.add_error(CODE_FIELD, _("Enter a code to continue."))
        else:
            raise forms.ValidationError(_("Please confirm with your passkey."))
        return cleaned

    def record(self, request):
        """Write the confirmation: ours (the window) and allauth's (security settings)."""
        if self.code_form is not None:
            self.code_form.save()
        else:
            reauthenticate_by_password(request)
        mark_fresh(request)


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
        if name not in {"csrfmiddlewaretoken", PASSWORD_FIELD, CODE_FIELD}
        for value in values
    ]


def passkey_context(request, *, back_to):
    """The link to confirm with a passkey on allauth's page, coming back to ``back_to``."""
    if not has_passkey(request.user):
        return {}
    url = f"{reverse('mfa_reauthenticate_webauthn')}?{urlencode({'next': back_to})}"
    return {"passkey_url": url}


def _serialize_as_plain_post(request):
    """allauth's serialized request, minus htmx's headers: the passkey page is a
    full page, so the replayed POST must answer as a plain form post does
    (redirect to the page), not with a fragment for a swap that will not come."""
    data = json.loads(serialize_request(request))
    data["META"] = {k: v for k, v in data["META"].items() if not k.startswith("HTTP_HX_")}
    return json.dumps(data)


def _render_confirm(request, form, *, action, status):
    context = {
        "form": form,
        "action": action,
        "next": "",
        "hidden_fields": _hidden_fields(request.POST),
        **passkey_context(request, back_to=action),
    }
    if context.get("passkey_url") and request.method == "POST":
        # allauth's own way to keep a POST across its re-authentication: after
        # the passkey it replays this request (accounts: resume_request), so the
        # words are saved then too. Dropped by any other confirmation.
        request.session[STATE_SESSION_KEY] = {"request": _serialize_as_plain_post(request)}
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
            if PASSWORD_FIELD not in request.POST and CODE_FIELD not in request.POST:
                form = ConfirmPasswordForm(user=request.user)
                return _render_confirm(request, form, action=action, status=200)
            form = ConfirmPasswordForm(request.POST, user=request.user)
            if form.is_valid():
                form.record(request)
                request.session.pop(STATE_SESSION_KEY, None)
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
    context = {
        "action": reverse("reauth_confirm"),
        "next": next_url,
        "hidden_fields": [],
        **passkey_context(request, back_to=next_url),
    }
    if request.method == "GET":
        form = ConfirmPasswordForm(user=request.user)
        return render(request, TEMPLATE, {**context, "form": form})
    form = ConfirmPasswordForm(request.POST, user=request.user)
    if form.is_valid():
        form.record(request)
        return redirect(next_url)
    if _failed(request):
        return _signed_out_response(request)
    return render(request, TEMPLATE, {**context, "form": form}, status=422)
