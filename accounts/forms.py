from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .languages import language_choices, language_codes
from .timezones import default_time_zone, is_known_time_zone, time_zone_choices


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("label", _("Display name"))
        kwargs.setdefault("help_text", _("How your partner will see you."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError(_("Please use letters, numbers and spaces only."))
        return value


class LanguageField(forms.ChoiceField):
    """English, Español (each in itself), or blank: follow the browser."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Language"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("The pages, the mails and the notifications you get are in it.")
        )
        choices = [("", _("The one this browser asks for")), *language_choices()]
        super().__init__(choices=choices, **kwargs)


def browser_language() -> str:
    """The language the request's browser asked for (LocaleMiddleware made it current)."""
    code = translation.get_language() or ""
    code = code.split("-")[0]
    return code if code in language_codes() else ""


class DisplayNameSignupForm(forms.Form):
    """Extra fields allauth adds to its signup form."""

    display_name = DisplayNameField()
    # Pre-filled with the browser's own language (Accept-Language or the cookie).
    language = LanguageField()
    # Filled by static/js/timezone.js from the browser's own zone. A name we do
    # not know (or none: no JavaScript) is not the person's mistake and must not
    # block signing up: they get the server's zone and can change it later.
    time_zone = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = browser_language()

    def clean_time_zone(self):
        value = (self.cleaned_data.get("time_zone") or "").strip()
        return value if is_known_time_zone(value) else default_time_zone()

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data.get("time_zone") or default_time_zone()
        user.language = self.cleaned_data.get("language") or ""
        user.save(update_fields=["display_name", "time_zone", "language"])


class TimeZoneField(forms.ChoiceField):
    """A select of zones grouped by area; anything else is refused clearly."""

    default_error_messages = {
        "invalid_choice": _(
            "“%(value)s” is not a time zone we know. Please pick yours from the list."
        )
    }

    def __init__(self, *, current="", **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _("Days, parts of the day, “today” and every time you see here are in this zone."),
        )
        super().__init__(choices=time_zone_choices(current), **kwargs)

    def valid_value(self, value):
        return is_known_time_zone(value)


class ProfileForm(forms.Form):
    display_name = DisplayNameField()

    def __init__(self, *args, current_time_zone="", **kwargs):
        super().__init__(*args, **kwargs)
        # Not sent (an older page, a script changing only the name): the zone stays.
        self.fields["time_zone"] = TimeZoneField(current=current_time_zone, required=False)
        self.fields["time_zone"].widget.attrs["data-device-time-zone-select"] = ""
        # Not sent: the language stays (``language_sent`` tells "blank" from "absent").
        self.fields["language"] = LanguageField()
        self.language_sent = self.is_bound and "language" in self.data
