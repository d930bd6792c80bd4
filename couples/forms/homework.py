"""Forms for homework between sessions. Field ids carry the homework's id where
one form appears once per homework on the dashboard (labels must point at the
right input); field names stay plain."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from ..domain.homework import exercise_choices
from ..models.homework import HOMEWORK_TEXT_MAX, OCCURRENCE_NOTE_MAX
from .lean import LeanForm

# Django fills both numbers in (its max_length message's own parameters).
TOO_LONG = _("Please keep this to %(limit_value)d characters (it has %(show_value)d).")


class ProposeForm(LeanForm, forms.Form):
    exercise = forms.ChoiceField(
        label=_("What kind of homework"),
        required=False,
        choices=(),
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("The homework, in your words"),
        required=False,
        max_length=HOMEWORK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What, how often, and anything that makes it easier, e.g. “A 20-minute walk "
            "together, twice this week, phones at home”. Optional for an exercise with stages."
        ),
        error_messages={"max_length": TOO_LONG},
    )
    session = forms.TypedChoiceField(
        label=_("From the session on (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=(),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        kwargs.setdefault("auto_id", "homework-%s")
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = [
            ("", _("Something in our own words")),
            *exercise_choices(),
        ]
        day = pgettext("date format: 3 December 2026", "j F Y")
        self.fields["session"].choices = [
            ("", _("No session")),
            *((session.pk, date_format(session.planned_for, day)) for session in sessions),
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("exercise") and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("Please write what the homework is."))
        return cleaned


class DoneForm(LeanForm, forms.Form):
    done_on = forms.DateField(
        label=_("Day it was done"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please give the day it was done."),
            "invalid": _("Please give the day as a date, like 2026-12-03."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=OCCURRENCE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How it went, for both of you and your next session."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, homework_id, **kwargs):
        kwargs.setdefault("auto_id", f"homework-{homework_id}-%s")
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.homework_id = homework_id


class ActForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", "accept"), ("set_aside", "set aside"), ("end", "end")]
    )


class StageForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("take_back", "take back")])
    stage = forms.IntegerField(min_value=1, max_value=100)
