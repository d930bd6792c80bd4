from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AlternativeAnswer
from ..models.alternatives import ACTIVITY_NAME_MAX_LENGTH
from .lean import LeanForm

NOT_ANSWERED_LABEL = _("Not answered")
CHOOSE_AN_ANSWER = _("Please choose yes, maybe, no or not answered.")


class AnswerForm(forms.Form):
    """My private answer to one activity. One small form per activity, prefixed
    by the activity's id so every control on the page has a unique id."""

    answer = forms.ChoiceField(
        choices=[*AlternativeAnswer.CHOICES, ("", NOT_ANSWERED_LABEL)],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": CHOOSE_AN_ANSWER},
    )

    def __init__(self, *args, activity, **kwargs):
        kwargs.setdefault("prefix", f"a{activity.pk}")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["answer"].label = activity.display_name

    def clean_answer(self):
        # "Not answered" must be chosen, not implied by a missing field: a
        # truncated request should never erase anyone's answer.
        if self.is_bound and self.add_prefix("answer") not in self.data:
            raise forms.ValidationError(CHOOSE_AN_ANSWER)
        return self.cleaned_data["answer"]


class ProposeForm(LeanForm, forms.Form):
    name = forms.CharField(
        label=_("Add a way to be close"),
        max_length=ACTIVITY_NAME_MAX_LENGTH,
        help_text=_(
            "A few words, e.g. “Breakfast in bed”. It appears on both your lists "
            "as something to answer; nobody's answer is set for them."
        ),
        error_messages={
            "required": _("Please give the activity a short name."),
            "max_length": _(
                "Please keep the name to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
