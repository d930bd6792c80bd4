"""Sessions signed in before allauth's user sessions were installed get their row,
so deleting an account still finds them (accounts/sessions.py). Their address
and browser were never recorded: the row says unknown. Decoding every stored
session happens here once, at deploy, not while a deletion holds its locks."""

from django.db import migrations
from django.utils import timezone


def record_existing_sessions(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("usersessions", "UserSession")
    User = apps.get_model("accounts", "User")
    known = set(UserSession.objects.values_list("session_key", flat=True))
    people = set(User.objects.values_list("pk", flat=True))
    store = SessionStore()
    rows = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key in known:
            continue
        user_id = store.decode(session.session_data).get(SESSION_KEY)
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            continue
        if user_id in people:
            rows.append(
                UserSession(
                    user_id=user_id, session_key=session.session_key, ip="0.0.0.0", user_agent=""
                )
            )
    UserSession.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sessions", "0001_initial"),
        ("usersessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(record_existing_sessions, migrations.RunPython.noop)]
