import http.client
import logging
import re
import time
import uuid

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

access_logger = logging.getLogger("commonground.access")


class PrivateNoStoreMiddleware:
    """Nothing shown to a signed-in person is kept by browsers or proxies.

    Every page here is about someone's intimate life; ``no-store`` keeps it out
    of shared caches and the back-forward cache of a borrowed device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request) or request.path.startswith(("/accounts/", "/join/")):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, ...
        return response


def _signed_in(request):
    """``request.user.is_authenticated``, without building the anonymous user
    when nothing has looked at the person yet and the session names nobody:
    Django's ``get_user`` would then return ``AnonymousUser`` unseen.

    The session is read either way (so it still answers ``Vary: Cookie``,
    exactly as reading ``request.user`` does); a person the view set or a lazy
    user already evaluated is asked directly."""
    user = getattr(request, "user", None)
    if user is None:
        return False
    # A SimpleLazyObject not evaluated yet holds ``empty``; a real user has no
    # ``_wrapped`` at all.
    if getattr(user, "_wrapped", None) is empty and SESSION_KEY not in request.session:
        return False
    return user.is_authenticated


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware with the policy built once instead of per response.

    The library rebuilds the header from ``CONTENT_SECURITY_POLICY`` on every
    response (a dataclass deep copy and a dict walk, twice: ~40 µs, the largest
    share of a bare request). Our policy is constant, so when a response asks for
    nothing of its own (no ``@csp_update``/``@csp_replace``/per-view config) and
    no nonce was used, the header is the library's own ``build_policy()`` result,
    kept until the settings change. Everything else — exemptions, excluded
    prefixes, the DEBUG error pages, an existing header, the nonce guard — is the
    library's logic, and any response with its own parts goes to the library
    unchanged. tests/security/test_middleware_equivalence.py compares both byte for byte.
    """

    _PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in self._PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        policy, excluded, policy_ro, excluded_ro = _constant_policies()
        path = request.path_info
        if (
            policy
            and HEADER not in response
            and getattr(response, "_csp_exempt", False) is False
            and not path.startswith(excluded)
        ):
            response[HEADER] = policy
        if (
            policy_ro
            and HEADER_REPORT_ONLY not in response
            and getattr(response, "_csp_exempt_ro", False) is False
            and not path.startswith(excluded_ro)
        ):
            response[HEADER_REPORT_ONLY] = policy_ro
        # No nonce was taken: reading it from now on is an error, as in the library.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
_policies = None


def _constant_policies():
    """(header, excluded prefixes) for the enforced and the report-only policy,
    exactly as ``csp.utils.build_policy`` and ``CSPMiddleware`` compute them."""
    global _policies
    if _policies is None:

        def prefixes(name):
            policy = getattr(settings, name, None) or {}
            return tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())

        _policies = (
            build_policy(),
            prefixes(_POLICY_SETTINGS[0]),
            build_policy(report_only=True),
            prefixes(_POLICY_SETTINGS[1]),
        )
    return _policies


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    global _policies
    if setting in _POLICY_SETTINGS:
        _policies = None


class HealthCheckMiddleware:
    """Answers ``/healthz`` before host validation and HTTPS redirects, so the
    container's own health probe works whatever ALLOWED_HOSTS says. It checks
    that the database answers; it reveals nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from django.db import connection
            from django.http import HttpResponse

            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception:
                return HttpResponse("database unavailable", status=503, content_type="text/plain")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives each request an id: in every log line written while serving it
    (``config.logging_json``), in the ``X-Request-ID`` response header, and in
    one access line per request (method, path with invite codes redacted and no
    query string, status, duration; never a body).

    Behind the trusted proxy (``TRUSTED_PROXY_COUNT`` > 0) the proxy's
    ``X-Request-ID`` is kept when it looks like an id (letters, digits and
    ``.-_:``, 8 to 128 characters), so the proxy's and the app's lines share it;
    otherwise, and without a proxy, a new one is made.
    """

    _SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from config.logging import redact
        from config.logging_json import request_id_var

        request_id = None
        if settings.TRUSTED_PROXY_COUNT > 0:
            offered = request.META.get("HTTP_X_REQUEST_ID", "")
            if self._SAFE_ID.fullmatch(offered):
                request_id = offered
        request_id = request_id or uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            path = redact(request.path)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "http": {
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                    }
                },
            )
            return response
        finally:
            request_id_var.reset(token)
