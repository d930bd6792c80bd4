"""Signing up answers in the same time whether the address has an account.

With ``ACCOUNT_PREVENT_ENUMERATION`` allauth already answers both cases with
the same page and sends the address's owner an "account already exists" mail
instead of making a second account; but a new account costs a password hash
(argon2, ~150 ms) that a taken address skipped, so the answer came ~20x faster
for an address that has an account: an outsider could tell who has an account
on an intimacy app (bench/enumeration_timing.py). Here a taken address pays the
same hash, for nothing.
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class EvenSignupForm(SignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # The work a new account does with the password, thrown away.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
