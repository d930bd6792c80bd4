"""Whose sessions are whose, without decoding them: allauth's user sessions.

Sessions are signed blobs; finding one person's used to mean decoding every
stored session. ``allauth.usersessions`` keeps a row per signed-in session
(``UserSession``: the person, the session key, the address and browser name it
signed in from). allauth records the logins that go through its own flows; the
receiver here records every other login too (Django's ``login()``, for example
after a confirmation link), and a logout forgets its row. ``end_all_sessions``
signs a person out on every device by those rows alone.
"""

import hashlib
import time
from datetime import UTC, datetime
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.dispatch import receiver

from .throttling import client_ip

UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 (a placeholder stored, never bound)


@receiver(user_logged_in, dispatch_uid="accounts.sessions.record")
def record_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    user_agent_field = UserSession._meta.get_field("user_agent")
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request) or UNKNOWN_ADDRESS,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[: user_agent_field.max_length],
        },
    )


@receiver(user_logged_out, dispatch_uid="accounts.sessions.forget")
def forget_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def end_all_sessions(user):
    """Delete every session ``user`` is signed in with (all devices), and their rows."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key__in=keys).delete()  # one statement
    else:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        for key in keys:
            store.delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


LAST_SEEN_EVERY = 60  # seconds: "last seen" is kept to within a minute


def _last_seen_key(session_key):
    return "last-seen:" + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def last_seen(session_keys):
    """{session key: when it was last seen} for the keys the cache knows."""
    keys = {_last_seen_key(key): key for key in session_keys}
    found = cache.get_many(list(keys))
    return {
        keys[marker]: datetime.fromtimestamp(value, tz=UTC)
        for marker, value in found.items()
        if isinstance(value, int | float)
    }


class LastSeenMiddleware:
    """When each session was last seen, for the sessions page.

    allauth's ``USERSESSIONS_TRACK_ACTIVITY`` writes the session's row on every
    signed-in request (a transaction, a SELECT and an UPDATE). Here it is one
    cache read per signed-in request (Redis in production) and a cache write
    at most once a minute per session; the database is never written, so a
    page view stays a read. Lost with the cache (a Redis flush): the page then
    says when the session logged in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        key = getattr(session, "session_key", None)
        if key and user is not None and user.is_authenticated:
            marker = _last_seen_key(key)
            now = time.time()
            seen = cache.get(marker)
            if not isinstance(seen, int | float) or now - seen >= LAST_SEEN_EVERY:
                cache.set(marker, int(now), timeout=settings.SESSION_COOKIE_AGE)
        return response
