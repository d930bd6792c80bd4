from django import forms


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
    """Extra field allauth adds to its signup form."""

    display_name = DisplayNameField()

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = DisplayNameField()
