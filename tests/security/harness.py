"""Machinery for the attack suite: walk every URL pattern, make requests as a
role, fingerprint the database. The *expectations* live in ``url_table.py``."""

import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# "HX-GET"/"HX-POST" are the same requests made by htmx (HX-Request: true):
# they reach the named partials that live sync will also push.
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "HX-GET", "HX-POST")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "HX-GET")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A fixed CSRF secret: Django accepts the unmasked secret as the token.
CSRF_SECRET = "Sx9fQ2kLmN4pR7tV1wY3zB6cD8gH0jKa"


@dataclass(frozen=True)
class Pattern:
    key: str  # "name", "namespace:name"; an unnamed pattern is keyed by its route
    route: str  # the full route, e.g. "admin/auth/group/<path:object_id>/"
    name: str | None
    namespace: str | None
    params: tuple  # the pattern's parameter names


def _params(pattern):
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def iter_patterns(resolver=None, prefix="", namespace=None, params=()):
    """Every concrete URL pattern of the project, recursively (allauth and admin too)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_patterns(entry, route, ns, params + _params(entry))
        elif isinstance(entry, URLPattern):
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"{namespace}:{route}" if namespace else route
            yield Pattern(key, route, entry.name, namespace, params + _params(entry))


def url_for(pattern, kwargs):
    if pattern.name:
        name = f"{pattern.namespace}:{pattern.name}" if pattern.namespace else pattern.name
        return reverse(name, kwargs=kwargs or None)
    # Unnamed (admin's object redirect and catch-all): fill the route by hand.
    path = re.sub(r"\^|\$", "", pattern.route)
    for param, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), path)
    return "/" + path


def client_for(user):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


def send(client, method, path, *, data=None, csrf=True, htmx=False):
    """One request. With ``csrf`` the token travels as a browser's would:
    a form field for POST, the X-CSRFToken header for PUT/PATCH/DELETE."""
    extra = {}
    if method.startswith("HX-"):
        method, htmx = method[3:], True
    if htmx:
        extra["HTTP_HX_REQUEST"] = "true"
    if method == "POST":
        body = dict(data or {})
        if csrf:
            body.setdefault("csrfmiddlewaretoken", CSRF_SECRET)
        return client.post(path, body, **extra)
    if method in ("PUT", "PATCH", "DELETE"):
        if csrf:
            extra["HTTP_X_CSRFTOKEN"] = CSRF_SECRET
        return client.generic(method, path, "", "application/x-www-form-urlencoded", **extra)
    return client.generic(method, path, **extra)


class Requester:
    """Makes requests as one person, each in a savepoint that is rolled back, so
    every cell of the matrix starts from the same world (a logout or an unlink in
    one cell does not leak into the next)."""

    def __init__(self, user):
        self.client = client_for(user)
        self._cookies = _copy_cookies(self.client.cookies)

    def __call__(self, method, path, *, fingerprint=False, **kwargs):
        """Returns ``(response, tables_changed)``; tables are only compared when
        ``fingerprint`` is set."""
        cache.clear()  # allauth's rate limits live in the cache
        self.client.cookies = _copy_cookies(self._cookies)
        with transaction.atomic():
            before = db_fingerprint() if fingerprint else None
            response = send(self.client, method, path, **kwargs)
            after = db_fingerprint() if fingerprint else None
            transaction.set_rollback(True)
        return response, (changed_tables(before, after) if fingerprint else [])


def _copy_cookies(cookies):
    from http.cookies import SimpleCookie

    copy = SimpleCookie()
    for key, morsel in cookies.items():
        copy[key] = morsel.value
    return copy


# Tables whose rows a safe request may legitimately touch. Sessions: Django may
# re-save a session's expiry; that is not a change of anyone's data.
FINGERPRINT_IGNORED = {"django_session"}


def db_fingerprint():
    """A digest of every table's rows, in one query: a changed digest means a write."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True)} - FINGERPRINT_IGNORED
    )
    selects = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {qn(t)} t)"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def qn(name):
    return connection.ops.quote_name(name)


def changed_tables(before, after):
    return sorted(t for t in before if before[t] != after.get(t))


def response_text(response):
    """Everything a response carries that a person could read: body and headers."""
    body = b"" if getattr(response, "streaming", False) else response.content
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return body.decode("utf-8", "replace") + "\n" + headers
