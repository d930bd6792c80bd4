"""Forms of the moment: the gentle ask, the decline card, and a rain check's
new time. Choices that depend on the couple (agreed alternatives, my current
statements, the slots ahead) are passed in; the services check every value
again inside their transaction."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.i18n import lazy_format
from ..domain.moment import COME_TO_YOU_LABEL, TALK_TOPIC
from ..models import AskFor, AskWhen
from ..models.moment import ACKNOWLEDGEMENT_MAX, ASK_WORDS_MAX, CARD_TEXT_MAX, TALK_TEXT_MAX

NO_RAIN_CHECK, COME_TO_YOU = "", "come"


def _slot_choices(slots) -> list:
    return [
        (
            slot.key,
            lazy_format(_("%(slot)s — where our weeks meet"), slot=slot.label)
            if slot.meets
            else slot.label,
        )
        for slot in slots
    ]


def _words(label: str, limit: int, rows: int, **extra) -> forms.CharField:
    """An optional piece of someone's own words, a few lines tall."""
    return forms.CharField(
        label=label,
        max_length=limit,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **extra,
    )


class AskForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I’d love"),
        choices=AskFor.choices,
        widget=forms.RadioSelect,
        initial=AskFor.CLOSENESS,
        error_messages={"required": _("Please choose what you would like.")},
    )
    activity = forms.ChoiceField(label=_("Which of our ways"), required=False)
    when = forms.ChoiceField(
        label=_("When"),
        choices=AskWhen.choices,
        widget=forms.RadioSelect,
        initial=AskWhen.NOW,
        error_messages={"required": _("Please choose now, tonight, or a day and time.")},
    )
    slot = forms.ChoiceField(label=_("Day and time"), required=False)
    words = _words(_("In your own words (optional)"), ASK_WORDS_MAX, 2)

    def __init__(self, *args, agreed=(), slots=(), **kwargs):
        kwargs.setdefault("prefix", "ask")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "—")] + [
            (str(a.pk), a.display_name) for a in agreed
        ]
        if not agreed:
            self.fields["kind"].choices = [c for c in AskFor.choices if c[0] != AskFor.ALTERNATIVE]
        self.fields["slot"].choices = [("", "—"), *_slot_choices(slots)]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "when": data["when"],
            "slot": data["slot"],
            "words": data["words"],
            "activity_id": data["activity"] or None,
        }


class CardForm(forms.Form):
    """A "not now", in my own words. Every piece is optional."""

    acknowledgement = _words(_("Recognise the ask"), ACKNOWLEDGEMENT_MAX, 2)
    statement = forms.ChoiceField(label=_("From my statements"), required=False)
    reason = _words(
        _("The reason, in words"),
        CARD_TEXT_MAX,
        3,
        help_text=_("From the statement you picked, or written just for this once."),
    )
    not_meaning = _words(_("What it does not mean"), CARD_TEXT_MAX, 2)
    activity = forms.ChoiceField(label=_("Something else I can offer (optional)"), required=False)
    love = _words(_("Something I love about you"), CARD_TEXT_MAX, 2)
    rain_check = forms.ChoiceField(label=_("A rain check (optional)"), required=False)
    note_for_me = forms.BooleanField(
        label=_("Show me a private note on my dashboard when that time comes"),
        required=False,
    )

    def __init__(self, *args, statements=(), agreed=(), slots=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["statement"].choices = [("", _("Written for this once"))] + [
            (
                str(s.pk),
                lazy_format(
                    pgettext_lazy(
                        "a statement to pick: its reason, then its words", "%(reason)s: %(words)s"
                    ),
                    reason=s.get_reason_display(),
                    words=s.meaning[:60],
                ),
            )
            for s in statements
        ]
        self.fields["activity"].choices = [("", "—")] + [
            (str(a.pk), a.display_name) for a in agreed
        ]
        self.fields["rain_check"].choices = [
            (NO_RAIN_CHECK, _("No rain check this time")),
            (COME_TO_YOU, COME_TO_YOU_LABEL),
            *_slot_choices(slots),
        ]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "acknowledgement": data["acknowledgement"],
            "statement_id": data["statement"] or None,
            "reason": data["reason"],
            "not_meaning": data["not_meaning"],
            "activity_id": data["activity"] or None,
            "love": data["love"],
            "rain_check": data["rain_check"],
            "note_for_me": data["note_for_me"],
        }


class TalkForm(forms.Form):
    text = forms.CharField(
        label=_("What to talk about"),
        max_length=TALK_TEXT_MAX,
        required=False,
        initial=TALK_TOPIC,
    )


class MoveForm(forms.Form):
    rain_check = forms.ChoiceField(label=_("A new time"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, slots=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["rain_check"].choices = [
            (COME_TO_YOU, COME_TO_YOU_LABEL),
            *_slot_choices(slots),
        ]
