from django import forms
from django.utils.translation import gettext_lazy as _

from ..domain.invite_codes import is_well_formed, normalize_code
from .lean import LeanForm


class JoinForm(LeanForm, forms.Form):
    code = forms.CharField(
        label=_("Invite code"),
        max_length=32,
        help_text=_("The 8-character code your partner shared, e.g. ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise forms.ValidationError(
                _(
                    "An invite code has 8 letters and digits, like ABCD-EFGH. "
                    "Check it and try again."
                )
            )
        return code


class UnlinkForm(LeanForm, forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my partner and I will no longer see anything of each other."),
        error_messages={"required": _("Tick the box to confirm that you want to unlink.")},
    )
