import ipaddress

from django.conf import settings


def _from_a_trusted_proxy(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.TRUSTED_PROXY_ADDRESSES)


def client_ip(request):
    """The client's address, trusting exactly TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    real client sits that many entries from the right; anything further left
    was written by the client and is ignored (a spoofed header changes nothing).
    The header is read only when the request came from one of the proxies
    (TRUSTED_PROXY_ADDRESSES): a client that reaches the app directly is its
    own address, whatever it writes there.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies > 0 and _from_a_trusted_proxy(remote):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote


def login_username(request, credentials=None):
    """The account a login attempt is for, as axes should count it.

    allauth authenticates with ``email=...`` (and re-authentication likewise);
    the form field is ``login``. Case and spaces are folded so ``Alice@X`` and
    ``alice@x`` share one counter.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "data", None) or request.POST
        value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    return (value or "").strip().lower() or None
