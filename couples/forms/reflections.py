from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.tags import normalise_tags
from ..models import Reflection
from ..models.reflections import TAG_MAX_LENGTH
from .lean import LeanForm


class ReflectionForm(LeanForm, forms.ModelForm):
    """All prompts are optional; the service refuses a wholly empty entry."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Reflection
        fields = [*Reflection.TEXT_FIELDS, "bring_to_therapy"]
        widgets = {
            "need": forms.RadioSelect,
            "old_story": forms.RadioSelect,
            "need_note": forms.Textarea(attrs={"rows": 2}),
            "old_story_note": forms.Textarea(attrs={"rows": 2}),
            "what_i_heard": forms.Textarea(attrs={"rows": 3}),
            "what_was_said": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "tags": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "need": _("What was I hoping for when I asked? Optional."),
            "old_story": _("Which painful story did this no wake up? Optional."),
            "what_i_heard": _("The message I took from the moment, in my words."),
            "what_was_said": _("What my partner actually said or did, as plainly as I can."),
            "body": _("Anything else. Only you will ever read this."),
            "tags": _("Words to find this again later, separated by commas."),
            "bring_to_therapy": _(
                "Include it in your own copy of the session brief. Your partner never sees it."
            ),
        }
        labels = {"bring_to_therapy": _("Bring this to therapy")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("need", "old_story"):
            field = self.fields[name]
            field.choices = [("", pgettext_lazy("no need or story picked", "Not now"))] + [
                c for c in field.choices if c[0] != ""
            ]
        for name, field in self.fields.items():
            max_length = getattr(field, "max_length", None)
            if max_length:
                field.error_messages["max_length"] = _(
                    "Please keep this under %(limit_value)d characters (it has %(show_value)d)."
                )
            if name == "tags":
                field.widget.attrs["maxlength"] = max_length

    def clean_tags(self):
        tags = normalise_tags(self.cleaned_data.get("tags", ""))
        for tag in tags.split(", ") if tags else []:
            if len(tag) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Please keep each tag under %(limit)d characters.")
                    % {"limit": TAG_MAX_LENGTH}
                )
        return tags

    def service_values(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
