from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models.therapy import (
    THERAPIST_LINK_DAYS_DEFAULT,
    THERAPIST_LINK_DAYS_MAX,
    THERAPIST_NAME_MAX,
    TOPIC_NOTE_MAX,
    TOPIC_TEXT_MAX,
)
from .lean import LeanForm


def _too_long(limit):
    # Django's length validator fills in both numbers (limit_value is ``limit``).
    return gettext_lazy("Please keep this to %(limit_value)d characters (it has %(show_value)d).")


class _AreaIds:
    """Field ids unique on the dashboard, where several areas' forms meet
    (labels must point at the right input); field names stay plain."""

    id_prefix = "therapy"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


# How far back a session may be put in: one the couple has just had can still be
# written down (to keep its agenda), but a day far in the past is a typo.
PAST_DAYS_ALLOWED = 31


class SessionForm(LeanForm, _AreaIds, forms.Form):
    id_prefix = "session"
    planned_for = forms.DateField(
        label=gettext_lazy("Day of the session"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Please choose the day of the session."),
            "invalid": gettext_lazy("Please give the day as a date, like 2026-12-03."),
        },
    )
    therapist_name = forms.CharField(
        label=gettext_lazy("Therapist (optional)"),
        required=False,
        max_length=THERAPIST_NAME_MAX,
        error_messages={"max_length": _too_long(THERAPIST_NAME_MAX)},
    )

    def __init__(self, *args, saved_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Editing a session that has already happened keeps its day valid.
        self.saved_day = saved_day

    def clean_planned_for(self):
        day = self.cleaned_data["planned_for"]
        if day == self.saved_day:
            return day
        today = timezone.localdate()
        earliest = today - timedelta(days=PAST_DAYS_ALLOWED)
        if day < earliest:
            raise forms.ValidationError(
                _(
                    "That day is more than a month ago. Sessions here are planned ahead; "
                    "a session you had recently can go in from %(day)s on."
                )
                % {"day": date_format(earliest, "j F Y")}
            )
        # A typo guard, not a rule: sessions are planned weeks, not decades, ahead.
        if day > today + timedelta(days=366 * 2):
            raise forms.ValidationError(
                _("That day is more than two years ahead. Please check the year.")
            )
        return day


class SessionEditForm(SessionForm):
    id_prefix = "session-edit"
    version = forms.IntegerField(widget=forms.HiddenInput)


class TopicForm(LeanForm, _AreaIds, forms.Form):
    id_prefix = "topic"
    text = forms.CharField(
        label=gettext_lazy("A topic to talk about"),
        max_length=TOPIC_TEXT_MAX,
        help_text=gettext_lazy("A few words, e.g. “How we handle a no on work nights”."),
        error_messages={
            "required": gettext_lazy("Please write the topic."),
            "max_length": _too_long(TOPIC_TEXT_MAX),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=TOPIC_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Anything you want to remember to say. Your partner sees it too."),
        error_messages={"max_length": _too_long(TOPIC_NOTE_MAX)},
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", pgettext_lazy("move", "up")), ("down", pgettext_lazy("move", "down"))]
    )


class DiscussedForm(forms.Form):
    discussed = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("discussed")), ("0", gettext_lazy("not yet"))],
        coerce=lambda v: v == "1",
    )


class TherapistLinkForm(LeanForm, _AreaIds, forms.Form):
    id_prefix = "therapist-link"
    therapist_name = forms.CharField(
        label=gettext_lazy("The therapist’s name"),
        max_length=THERAPIST_NAME_MAX,
        error_messages={
            "required": gettext_lazy("Please write the therapist’s name."),
            "max_length": _too_long(THERAPIST_NAME_MAX),
        },
    )
    days = forms.IntegerField(
        label=gettext_lazy("Works for how many days"),
        min_value=1,
        max_value=THERAPIST_LINK_DAYS_MAX,
        initial=THERAPIST_LINK_DAYS_DEFAULT,
        help_text=gettext_lazy("7 unless you choose otherwise; 30 at most."),
        error_messages={
            "required": gettext_lazy("Please choose how many days the link works."),
            "invalid": gettext_lazy("Please give a number of days."),
            "min_value": gettext_lazy("At least one day."),
            "max_value": gettext_lazy("30 days at most."),
        },
    )
