"""Whose sessions are whose, without decoding them: allauth's user sessions.

Sessions are signed blobs; finding one person's used to mean decoding every
stored session. ``allauth.usersessions`` keeps a row per signed-in session
(``UserSession``: the person, the session key, the address and browser name it
signed in from). allauth records the logins that go through its own flows; the
receiver here records every other login too (Django's ``login()``, for example
after a confirmation link), and a logout forgets its row. ``end_all_sessions``
signs a person out on every device by those rows alone.
"""

from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
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
