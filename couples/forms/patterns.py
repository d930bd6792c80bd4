from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PatternPart

SHARE, STOP, PREVIEW = "share", "stop", "preview"


class SharingForm(forms.Form):
    """Which parts of my own summary I share: none is ticked until I tick it."""

    parts = forms.MultipleChoiceField(
        label=_("The parts I would share"),
        choices=PatternPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Please choose among the parts listed.")},
    )
    action = forms.ChoiceField(
        choices=[(SHARE, _("Share")), (STOP, _("Stop sharing")), (PREVIEW, _("Preview"))],
        error_messages={"required": _("Please choose to share or to stop sharing.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == SHARE and not cleaned.get("parts"):
            self.add_error("parts", _("Tick at least one part to share, or choose “Stop sharing”."))
        return cleaned

    @property
    def previewing(self) -> bool:
        return self.cleaned_data["action"] == PREVIEW

    def chosen(self) -> tuple:
        if self.cleaned_data["action"] == STOP:
            return ()
        return tuple(self.cleaned_data["parts"])
