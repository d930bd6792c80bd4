"""The weekly check-in's forms: one small form per step, each posting alone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.checkins import APPRECIATION_MAX, CHECKIN_TOPIC_MAX, WENT_WELL_MAX

# %(limit_value)d and %(show_value)d are filled in by Django's MaxLengthValidator.
TOO_LONG = _("Please keep this to %(limit_value)d characters (it has %(show_value)d).")


class AppreciationForm(forms.Form):
    text = forms.CharField(
        label=_("Something I appreciate about you"),
        max_length=APPRECIATION_MAX,
        help_text=_("Small and specific is good: “how you made tea when I got home late”."),
        error_messages={
            "required": _("Please write the appreciation."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "checkin-appreciation-%s")
        super().__init__(*args, **kwargs)


class _SavesOneText(forms.Form):
    """An empty text clears it; a POST without the field at all saves nothing."""

    def clean(self):
        if "text" not in self.data:
            raise forms.ValidationError(_("Nothing to save."), code="missing")
        return super().clean()


class WentWellForm(_SavesOneText):
    text = forms.CharField(
        label=_("What went well this week"),
        required=False,
        max_length=WENT_WELL_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "checkin-went-well-%s")
        super().__init__(*args, **kwargs)


class CheckInTopicForm(_SavesOneText):
    text = forms.CharField(
        label=_("One topic I’d like us to talk about"),
        required=False,
        max_length=CHECKIN_TOPIC_MAX,
        help_text=_("Either of you can put it on the next session’s agenda."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "checkin-topic-%s")
        super().__init__(*args, **kwargs)
