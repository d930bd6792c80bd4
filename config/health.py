"""Liveness and readiness, for the containers' health checks and a load balancer.

- ``/healthz/live``: the process answers HTTP. It touches nothing else, so a
  database outage never makes an orchestrator restart healthy app processes.
- ``/healthz/ready``: PostgreSQL answers ``SELECT 1`` and, when ``REDIS_URL`` is
  set, Redis answers ``PING`` (each within a second or two): the process can do
  its work. 503 otherwise.

Both answer a small fixed JSON (which check failed, never why: no host names,
no error text), with ``no-store``. ``HealthEndpointsMiddleware`` serves them
first in the stack, before host validation, the HTTPS redirect, sessions and
every limit of the app, so a probe on ``127.0.0.1`` works whatever
``ALLOWED_HOSTS`` says and is never throttled or sent to log in. Other methods
go through the whole stack like any request (CSRF first) to the same views,
which are URL patterns too (``health_live``, ``health_ready``): 405.
"""

import threading

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

REDIS_TIMEOUT_SECONDS = 1.0
_redis_lock = threading.Lock()
_redis_client = None


def _redis():
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(
                settings.REDIS_URL,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return _redis_client


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_redis():
    return bool(_redis().ping())


def readiness():
    """{check name: "ok" | "unavailable" | "not used"}, and whether all passed."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    results = {}
    for name, check in checks.items():
        try:
            results[name] = "ok" if check() else "unavailable"
        except Exception:
            results[name] = "unavailable"
    if not settings.REDIS_URL:
        results["redis"] = "not used"
    return results, all(value != "unavailable" for value in results.values())


def _answer(request, body, status):
    if request.method not in ("GET", "HEAD"):
        body, status = {"status": "method not allowed"}, 405
    response = JsonResponse(body, status=status)
    if status == 405:
        response["Allow"] = "GET, HEAD"
    add_never_cache_headers(response)
    return response


def live(request):
    return _answer(request, {"status": "ok"}, 200)


def ready(request):
    if request.method not in ("GET", "HEAD"):
        return _answer(request, None, 405)  # checks nothing for other methods
    results, ok = readiness()
    return _answer(
        request, {"status": "ok" if ok else "unavailable", **results}, 200 if ok else 503
    )


ENDPOINTS = {"/healthz/live": live, "/healthz/ready": ready}


class HealthEndpointsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = ENDPOINTS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        # Anything else takes the ordinary way (CSRF, then the URL patterns: 405).
        return self.get_response(request)
