"""The socket's Origin check: the site's own origins only, as Django checks a form's.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host name with
``ALLOWED_HOSTS`` and nothing else: ``http://127.0.0.1:1`` (another port, another
program on the same machine) or ``ftp://127.0.0.1`` passed with the person's
cookie. Here an Origin is accepted only when it is, in full (scheme, host and
port), either

- the origin the socket itself was opened at: ``https`` if the connection is
  secure (``wss``, or the trusted proxy's ``SECURE_PROXY_SSL_HEADER`` says so),
  else ``http``, then the ``Host`` the request names (checked against
  ``ALLOWED_HOSTS``, ``USE_X_FORWARDED_HOST`` honoured), port included; or
- one of ``CSRF_TRUSTED_ORIGINS`` (a proxy that rewrites ``Host``; wildcard
  subdomains as Django allows them).

That is Django's own CSRF Origin check (``CsrfViewMiddleware._origin_verified``),
run on a request made from the socket's headers: the socket accepts exactly the
origins a form POST would be accepted from. A missing or ``null`` Origin is refused.
"""

from channels.security.websocket import WebsocketDenier
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class _SocketRequest(HttpRequest):
    """Just enough of a request for the CSRF Origin check, from a websocket scope."""

    def __init__(self, scope):
        super().__init__()
        self.scope_scheme = scope.get("scheme", "ws")
        for name, value in scope.get("headers", []):
            key = "HTTP_" + name.decode("latin1").upper().replace("-", "_")
            if key in self.META:
                # A repeated header: refuse rather than guess (one Origin, one Host).
                self.META[key] = None
            else:
                self.META[key] = value.decode("latin1")
        server = scope.get("server") or (None, None)
        self.META["SERVER_NAME"] = server[0] or ""
        self.META["SERVER_PORT"] = str(server[1] or "")

    def _get_scheme(self):
        return "https" if self.scope_scheme in ("wss", "https") else "http"


def _no_view(request):
    return None  # never called: only the middleware's Origin check is used


def origin_allowed(scope) -> bool:
    request = _SocketRequest(scope)
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null" or request.META.get("HTTP_HOST", "") is None:
        return False
    try:
        # A new middleware each time: it caches CSRF_TRUSTED_ORIGINS on itself.
        return CsrfViewMiddleware(_no_view)._origin_verified(request)
    except DisallowedHost:  # a Host not in ALLOWED_HOSTS
        return False


class SiteOriginValidator:
    """ASGI middleware: refuse a websocket whose Origin is not the site's own
    (the handshake gets 403, as with Channels' own validators)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
