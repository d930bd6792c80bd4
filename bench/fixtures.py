"""Data the benchmarks run against: a linked couple with a realistic space."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

PASSWORD = "bench password long enough"  # noqa: S105  a throwaway benchmark account


def session_cookie_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_member_cookie():
    """The cookies of a browser signed in as a linked person whose space is
    furnished (``manage.py demo_space``: the lived-in space the browser tests
    and screenshots use): the session, and the CSRF cookie any earlier page set."""
    import io

    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string

    call_command(
        "demo_space",
        first="bench-alice@example.com",
        second="bench-bob@example.com",
        password=PASSWORD,
        stdout=io.StringIO(),
    )
    alice = get_user_model().objects.get(email="bench-alice@example.com")
    return f"{session_cookie_for(alice)}; {settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"


def many_couples(count):
    """``count`` linked couples, each partner with a session and a CSRF secret,
    made in bulk (the benchmark measures sync, not sign-up)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from couples.models import Couple, Membership

    User = get_user_model()
    unusable = make_password(None)  # nobody logs in with a password here
    users = User.objects.bulk_create(
        [
            User(email=f"sync-{i}-{who}@example.com", display_name=f"{who} {i}", password=unusable)
            for i in range(count)
            for who in ("alice", "bob")
        ]
    )
    couples = Couple.objects.bulk_create([Couple() for _ in range(count)])
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(couple=couples[i], user=users[2 * i + k], joined_at=now)
            for i in range(count)
            for k in (0, 1)
        ]
    )
    store = SessionStore()
    sessions, people = [], []
    for i in range(count):
        couple = {}
        for k, who in enumerate(("alice", "bob")):
            user = users[2 * i + k]
            key = store._get_new_session_key()
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(
                    session_key=key,
                    session_data=store.encode(data),
                    expire_date=now + timezone.timedelta(days=1),
                )
            )
            csrf = _get_new_csrf_string()
            couple[who] = {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={key}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
            }
        people.append(couple)
    Session.objects.bulk_create(sessions)
    return people
