"""Sessions end sockets: after a logout, a password change or a session ended
from the sessions page, the person's
sockets re-check their session and close if it is no longer valid.

These are authentication events raised by Django and allauth, not domain writes,
so a signal is the one place that sees every way they happen.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import broadcast


@receiver(user_logged_out, dispatch_uid="realtime.logged_out")
def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    # Sent before the session is flushed: name it, so its sockets close at once.
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    broadcast.session_changed(user=user, ended_session_key=session_key)


@receiver(password_changed, dispatch_uid="realtime.password_changed")
@receiver(password_set, dispatch_uid="realtime.password_set")
@receiver(password_reset, dispatch_uid="realtime.password_reset")
def close_sockets_on_password_change(sender, request, user, **kwargs):
    broadcast.session_changed(user=user)


@receiver(post_delete, sender=UserSession, dispatch_uid="realtime.session_ended")
def close_sockets_of_ended_session(sender, instance, **kwargs):
    """A session's record goes when the session ends: from the sessions page
    (one, or every other), a logout, "log out everywhere", or account deletion.
    Its sockets close at once, by the same event a logout sends."""
    broadcast.session_changed(user=instance.user_id, ended_session_key=instance.session_key)
