"""allauth, adapted: its own rate limits see the client's address the way axes
does (accounts.throttling.client_ip: forwarded headers believed only from the
trusted proxies), instead of trusting X-Forwarded-For from anyone (and failing
with ImproperlyConfigured when the header is shorter than the proxy count).
Its mails are written in their recipient's own time zone (a reset asked for
while signed out would otherwise speak the server's). Re-authentication asks
for the second factor when there is one (the password alone no longer does). A
login from a browser new to the account mails its owner (accounts/new_device.py)."""

from contextlib import nullcontext

from allauth.account.adapter import DefaultAccountAdapter

from . import new_device
from .languages import as_person
from .throttling import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def post_login(self, request, user, **kwargs):
        """Every login through allauth (password, passkey, code, sign-up): a
        mail when this browser is new to the account (accounts/new_device.py)."""
        response = super().post_login(request, user, **kwargs)
        if response is None or not hasattr(response, "set_signed_cookie"):
            return response
        return new_device.after_login(request, response, user, signup=kwargs.get("signup", False))

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        """One message after confirming an address: "…is confirmed. Welcome" says
        it all, so the login that follows it adds no "You are logged in as …"."""
        if message_template == "account/messages/email_confirmed.txt":
            request._cg_address_confirmed = True
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "_cg_address_confirmed", False
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def respond_email_verification_sent(self, request, user):
        """Signing up (then confirming the address) makes this browser known."""
        response = super().respond_email_verification_sent(request, user)
        if (
            user is not None
            and getattr(user, "pk", None)
            and hasattr(response, "set_signed_cookie")
        ):
            new_device.remember(response, request, user)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        recipient = context.get("user")
        zone = as_person(recipient) if getattr(recipient, "pk", None) else nullcontext()
        with zone:
            super().send_mail(template_prefix, email, context)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """With a passkey or an authenticator app, the password alone no longer
        confirms it is you: a partner who knows the password must not reach the
        security settings on an open device with it (docs/security.md, "A
        partner who knows the password"). accounts.reauth asks the same."""
        methods = super().get_reauthentication_methods(user)
        second_factor = [method for method in methods if method["id"] != "reauthenticate"]
        return second_factor or methods
