"""Data the benchmarks run against: a linked couple with a realistic space."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from couples.access import current_space
from couples.services import linking

PASSWORD = "bench password long enough"  # noqa: S105  a throwaway benchmark account


def _person(email, name):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, display_name=name)
    return user


def linked_pair():
    alice = _person("bench-alice@example.com", "Alice")
    bob = _person("bench-bob@example.com", "Bob")
    if current_space(alice) is None:
        _invite, code = linking.create_invite(creator=alice)
        linking.accept_invite(user=bob, code=code)
    return alice, bob


def session_cookie_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_member_cookie():
    alice, _bob = linked_pair()
    return session_cookie_for(alice)
