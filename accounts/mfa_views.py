"""allauth.mfa's passkey removal with our form (accounts.mfa_forms.RemovePasskeyForm).

allauth 65.21 has no extension point for this form (``RemoveWebAuthnView`` is a
``DeleteView`` with Django's empty ``Form``, not in ``MFA_FORMS``), so the view
is allauth's own, subclassed only to set the form: its fresh confirmation, its
owner-only queryset (404 for anyone else's passkey), its removal flow (the
security mail) and its redirect stay allauth's."""

from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from .mfa_forms import REMOVE_PASSWORD_FIELD, RemovePasskeyForm


@method_decorator(sensitive_post_parameters(REMOVE_PASSWORD_FIELD), name="dispatch")
class RemovePasskeyView(RemoveWebAuthnView):
    form_class = RemovePasskeyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["authenticator"] = self.object
        return kwargs


remove_passkey = RemovePasskeyView.as_view()
