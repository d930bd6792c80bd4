"""allauth, adapted: its own rate limits see the client's address the way axes
does (accounts.throttling.client_ip: forwarded headers believed only from the
trusted proxies), instead of trusting X-Forwarded-For from anyone (and failing
with ImproperlyConfigured when the header is shorter than the proxy count).
Its mails are written in their recipient's own time zone (a reset asked for
while signed out would otherwise speak the server's)."""

from contextlib import nullcontext

from allauth.account.adapter import DefaultAccountAdapter

from .throttling import client_ip
from .timezones import in_zone_of


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        recipient = context.get("user")
        zone = in_zone_of(recipient) if getattr(recipient, "pk", None) else nullcontext()
        with zone:
            super().send_mail(template_prefix, email, context)
