from django import forms

from .timezones import default_time_zone, is_known_time_zone, time_zone_choices


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("label", "Display name")
        kwargs.setdefault("help_text", "How your partner will see you.")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError("Please use letters, numbers and spaces only.")
        return value


class DisplayNameSignupForm(forms.Form):
    """Extra fields allauth adds to its signup form."""

    display_name = DisplayNameField()
    # Filled by static/js/timezone.js from the browser's own zone. A name we do
    # not know (or none: no JavaScript) is not the person's mistake and must not
    # block signing up: they get the server's zone and can change it later.
    time_zone = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}),
    )

    def clean_time_zone(self):
        value = (self.cleaned_data.get("time_zone") or "").strip()
        return value if is_known_time_zone(value) else default_time_zone()

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data.get("time_zone") or default_time_zone()
        user.save(update_fields=["display_name", "time_zone"])


class TimeZoneField(forms.ChoiceField):
    """A select of zones grouped by area; anything else is refused clearly."""

    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a time zone we know. Please pick yours from the list."
    }

    def __init__(self, *, current="", **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault(
            "help_text",
            "Days, parts of the day, “today” and every time you see here are in this zone.",
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
