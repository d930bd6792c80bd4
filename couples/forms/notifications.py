import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.notifications import NoticeKind

# Quiet hours are picked from a list (every quarter of an hour): a list works the same
# with a keyboard, a screen reader and without JavaScript, in every browser.
QUARTERS = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in (0, 15, 30, 45)]
TIME_ERRORS = {
    "required": _("Please choose a time from the list, e.g. 22:00."),
    "invalid_choice": _("Please choose a time from the list, e.g. 22:00."),
}


def _quarter(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute - value.minute % 15:02d}"


class NotificationChoiceForm(forms.Form):
    """What to hear of, how much a lock screen may say, and when to stay quiet."""

    kinds = forms.MultipleChoiceField(
        label=_("Tell me about"),
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    detail = forms.BooleanField(
        label=_("Say a little more on my lock screen"),
        required=False,
        help_text=_(
            "Off: every notification reads “Something new from your partner”. On: it "
            "says what kind of thing it is (“Sam answered your ask”), never the words, never a "
            "yes or a no."
        ),
    )
    quiet_start = forms.ChoiceField(
        label=_("Quiet from"), choices=[(q, q) for q in QUARTERS], error_messages=TIME_ERRORS
    )
    quiet_end = forms.ChoiceField(
        label=_("Quiet until"),
        choices=[(q, q) for q in QUARTERS],
        error_messages=TIME_ERRORS,
    )

    def clean_quiet_start(self):
        return datetime.time.fromisoformat(self.cleaned_data["quiet_start"])

    def clean_quiet_end(self):
        return datetime.time.fromisoformat(self.cleaned_data["quiet_end"])

    @classmethod
    def initial_for(cls, choice):
        return {
            "kinds": [kind for kind in NoticeKind.values if getattr(choice, kind)],
            "detail": choice.detail,
            "quiet_start": _quarter(choice.quiet_start),
            "quiet_end": _quarter(choice.quiet_end),
        }
