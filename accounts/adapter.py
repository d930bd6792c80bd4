"""allauth, adapted: its own rate limits see the client's address the way axes
does (accounts.throttling.client_ip: forwarded headers believed only from the
trusted proxies), instead of trusting X-Forwarded-For from anyone (and failing
with ImproperlyConfigured when the header is shorter than the proxy count)."""

from allauth.account.adapter import DefaultAccountAdapter

from .throttling import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)
