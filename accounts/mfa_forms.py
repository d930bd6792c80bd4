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
from django import forms

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
