"""allauth.mfa's code forms with one more limit: wrong codes per person.

allauth counts code attempts under its ``login_failed`` limit, which this
project keeps per address only (a per-account limit on *password* logins would
let anyone who knows an address — a controlling partner — keep its owner
locked out; docs/security.md). Reaching the code step already takes the
password, so here a per-person limit is right: ``mfa_code`` in
ACCOUNT_RATE_LIMITS (5 wrong codes in 5 minutes), counted only when a code is
wrong and cleared by a right one."""

from allauth.account.adapter import get_adapter
from allauth.core import context, ratelimit
from allauth.mfa.base import forms as base
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import DeactivateTOTPForm as DeactivateTOTPFormBase
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION = "mfa_code"


class _PerPersonLimit:
    def clean_code(self):
        key = f"mfa-code-user-{self.user.pk}"
        if not ratelimit.consume(context.request, action=ACTION, key=key, dry_run=True):
            raise get_adapter().validation_error("too_many_login_attempts")
        try:
            code = super().clean_code()
        except forms.ValidationError:
            ratelimit.consume(context.request, action=ACTION, key=key)
            raise
        ratelimit.clear(context.request, action=ACTION, key=key)
        return code


class AuthenticateForm(_PerPersonLimit, base.AuthenticateForm):
    pass


class ReauthenticateForm(_PerPersonLimit, base.ReauthenticateForm):
    pass


# --- Removing the last factor needs the password as well -----------------------
# Removing a passkey or the authenticator app asks for a fresh confirmation
# (allauth's reauthentication). When it is the last one — no other passkey and
# no app: recovery codes are no factor of their own, and go with it — the
# account falls back to the password alone, so the form asks for that password
# too. A fresh confirmation left open on a device is then not enough to strip
# the account down (docs/security.md, "A partner who knows the password").
REMOVE_ACTION = "mfa_remove_last"
REMOVE_PASSWORD_FIELD = "current_password"  # noqa: S105  (a form field name)


def is_last_factor(authenticator) -> bool:
    """True when removing ``authenticator`` leaves no passkey and no app."""
    return (
        not Authenticator.objects.filter(user_id=authenticator.user_id)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exclude(pk=authenticator.pk)
        .exists()
    )


class _LastFactorPassword(forms.Form):
    current_password = forms.CharField(
        label=gettext_lazy("Your current password"),
        strip=False,
        max_length=1024,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, authenticator, **kwargs):
        super().__init__(*args, authenticator=authenticator, **kwargs)
        self.user = authenticator.user
        self.asks_password = is_last_factor(authenticator)
        if not self.asks_password:
            del self.fields[REMOVE_PASSWORD_FIELD]

    def clean(self):
        cleaned = super().clean()
        request = context.request
        # allauth's TOTP page binds its form on GET too (to show its errors at
        # once): only a POST is an attempt.
        if not self.asks_password or request is None or request.method != "POST":
            return cleaned
        if not self.user.has_usable_password():
            raise forms.ValidationError(
                _(
                    "Set a password first: without a password and without this, "
                    "you could not log in."
                ),
                code="no_password",
            )
        key = f"mfa-remove-user-{self.user.pk}"
        if not ratelimit.consume(request, action=REMOVE_ACTION, key=key, dry_run=True):
            raise forms.ValidationError(
                _("Too many wrong passwords. Please wait a few minutes and try again."),
                code="too_many",
            )
        password = (cleaned or {}).get(REMOVE_PASSWORD_FIELD) or ""
        if not password:
            self.add_error(
                REMOVE_PASSWORD_FIELD,
                _("Enter your current password: after this, it alone will log you in."),
            )
        elif not self.user.check_password(password):
            ratelimit.consume(request, action=REMOVE_ACTION, key=key)
            self.add_error(
                REMOVE_PASSWORD_FIELD,
                _("That password does not match. Nothing was removed."),
            )
        else:
            ratelimit.clear(request, action=REMOVE_ACTION, key=key)
        return cleaned


class DeactivateTOTPForm(_LastFactorPassword, DeactivateTOTPFormBase):
    """allauth's form to turn the authenticator app off (MFA_FORMS["deactivate_totp"])."""


class _AuthenticatorForm(forms.Form):
    def __init__(self, *args, authenticator, **kwargs):
        self.authenticator = authenticator
        super().__init__(*args, **kwargs)


class RemovePasskeyForm(_LastFactorPassword, _AuthenticatorForm):
    """The form of allauth's passkey removal (accounts.mfa_views.RemovePasskeyView):
    allauth 65.21's view is a DeleteView with Django's empty form and no
    MFA_FORMS key, so its form is set by a subclass of that view."""
