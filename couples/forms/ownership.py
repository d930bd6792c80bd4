from django import forms
from django.utils.translation import gettext_lazy as _

from .lean import LeanForm


class DeleteAccountForm(LeanForm, forms.Form):
    """The password is checked by the service (``delete_account``), not here, so a
    wrong one is refused by the same code whatever calls it. Without a password
    field (``ask_password=False``) when the person confirmed it is them a moment
    ago by any factor, or has no password at all (passkey only)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=1024,
        help_text=_("To make sure it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to delete your account.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand: everything I wrote will be deleted, and this cannot be undone."),
        error_messages={
            "required": _("Tick the box to confirm that you want to delete everything.")
        },
    )

    def __init__(self, *args, ask_password=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]
