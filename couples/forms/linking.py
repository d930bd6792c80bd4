from django import forms

from ..services.linking import CODE_ALPHABET, CODE_LENGTH, normalize_code
from .lean import LeanForm


class JoinForm(LeanForm, forms.Form):
    code = forms.CharField(
        label="Invite code",
        max_length=32,
        help_text="The 8-character code your partner shared, e.g. ABCD-EFGH.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(
                "An invite code has 8 letters and digits, like ABCD-EFGH. Check it and try again."
            )
        return code


class UnlinkForm(LeanForm, forms.Form):
    confirm = forms.BooleanField(
        label="I understand: my partner and I will no longer see anything of each other.",
        error_messages={"required": "Tick the box to confirm that you want to unlink."},
    )
