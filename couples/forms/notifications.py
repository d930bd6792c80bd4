from django import forms

from ..models.notifications import NoticeKind


class NotificationChoiceForm(forms.Form):
    """What to hear of, how much a lock screen may say, and when to stay quiet."""

    kinds = forms.MultipleChoiceField(
        label="Tell me about",
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    detail = forms.BooleanField(
        label="Say a little more on my lock screen",
        required=False,
        help_text="Off: every notification reads “Something new from your partner”. On: it "
        "says what kind of thing it is (“Sam answered your ask”), never the words, never a "
        "yes or a no.",
    )
    quiet_start = forms.TimeField(
        label="Quiet from",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Please give a time, e.g. 22:00.",
            "invalid": "Please give a time, e.g. 22:00.",
        },
    )
    quiet_end = forms.TimeField(
        label="Quiet until",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your own time zone. Anything that arrives in quiet hours waits until "
        "they end, and is not sent at all if it is no longer news by then. The same two "
        "times mean no quiet hours.",
        error_messages={
            "required": "Please give a time, e.g. 08:00.",
            "invalid": "Please give a time, e.g. 08:00.",
        },
    )

    @classmethod
    def initial_for(cls, choice):
        return {
            "kinds": [kind for kind in NoticeKind.values if getattr(choice, kind)],
            "detail": choice.detail,
            "quiet_start": choice.quiet_start,
            "quiet_end": choice.quiet_end,
        }
