from django import forms
from django.utils.translation import gettext_lazy as _

from ..domain.i18n import fill_lazy, lazy_format
from ..models.statements import (
    ANSWER_MAX,
    MEANING_MAX,
    NOT_MEANING_MAX,
    QUESTION_MAX,
    RAIN_CHECK_MAX,
    REASSURANCE_MAX,
    Reason,
)
from .lean import LeanForm


def _limit_messages(label):
    return {
        "required": lazy_format(
            _("“%(label)s” is empty: a few words of your own are enough."), label=label
        ),
        "max_length": fill_lazy(
            _(
                "Please keep “%(label)s” to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
            "label",
            label,
        ),
    }


def _text_field(label, limit, help_text, *, required=True, rows=3):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        error_messages=_limit_messages(label),
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StatementForm(LeanForm, forms.Form):
    reason = forms.ChoiceField(
        label=_("What a no from me is usually about"),
        choices=[("", _("Choose a reason…")), *Reason.choices],
        error_messages={
            "required": _("Please choose the reason closest to yours (or “Something else”)."),
            "invalid_choice": _("Please choose one of the reasons in the list."),
        },
    )
    meaning = _text_field(
        _("What it means"),
        MEANING_MAX,
        _("In your own words: what a no from you usually means."),
    )
    not_meaning = _text_field(
        _("What it does not mean"),
        NOT_MEANING_MAX,
        _("The story you don't want your partner to fill the silence with."),
    )
    reassurance = _text_field(
        _("Something to hold on to"),
        REASSURANCE_MAX,
        _("What you love or want about your partner."),
    )
    rain_check = _text_field(
        _("Rain check (optional)"),
        RAIN_CHECK_MAX,
        _("What makes a yes likelier, or when to ask again. “Not tonight” is not “never”."),
        required=False,
        rows=2,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuestionForm(LeanForm, forms.Form):
    text = _text_field(
        _("Ask a question about this"),
        QUESTION_MAX,
        _("Your partner will see your question and can answer it."),
        rows=2,
    )


class AnswerForm(LeanForm, forms.Form):
    answer = _text_field(_("Your answer"), ANSWER_MAX, "", rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput)
