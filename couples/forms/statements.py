from django import forms

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
        "required": f"“{label}” is empty: a few words of your own are enough.",
        "max_length": f"Please keep “{label}” to %(limit_value)d characters or fewer "
        "(it has %(show_value)d).",
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
        label="What a no from me is usually about",
        choices=[("", "Choose a reason…"), *Reason.choices],
        error_messages={
            "required": "Please choose the reason closest to yours (or “Something else”).",
            "invalid_choice": "Please choose one of the reasons in the list.",
        },
    )
    meaning = _text_field(
        "What it means", MEANING_MAX, "In your own words: what a no from you usually means."
    )
    not_meaning = _text_field(
        "What it does not mean",
        NOT_MEANING_MAX,
        "The story you don't want your partner to fill the silence with.",
    )
    reassurance = _text_field(
        "Something to hold on to",
        REASSURANCE_MAX,
        "What you love or want about your partner.",
    )
    rain_check = _text_field(
        "Rain check (optional)",
        RAIN_CHECK_MAX,
        "What makes a yes likelier, or when to ask again. “Not tonight” is not “never”.",
        required=False,
        rows=2,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuestionForm(LeanForm, forms.Form):
    text = _text_field(
        "Ask a question about this",
        QUESTION_MAX,
        "Your partner will see your question and can answer it.",
        rows=2,
    )


class AnswerForm(LeanForm, forms.Form):
    answer = _text_field("Your answer", ANSWER_MAX, "", rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput)
