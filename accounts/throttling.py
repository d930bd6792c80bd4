from django.conf import settings


def client_ip(request):
    """The client's address, trusting exactly TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    real client sits that many entries from the right; anything further left
    was written by the client and is ignored (a spoofed header changes nothing).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


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
