"""Whose sessions are whose: allauth's user sessions, and deletion by them.

Deleting an account ends exactly that person's sessions, found through their
``UserSession`` rows: no other stored session is read (it used to decode every
session in the table while holding the person's row lock).
"""

import importlib
import re

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples.services import ownership
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sessions_of(user):
    return [s.pk for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def log_in_through_the_form(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_every_login_records_its_session_and_a_logout_forgets_it(make_client, alice):
    form = log_in_through_the_form(make_client(), alice)  # allauth's flow
    forced = make_client(alice)  # Django's login()
    keys = {form.cookies["sessionid"].value, forced.cookies["sessionid"].value}
    assert set(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == keys
    assert form.post(reverse("account_logout")).status_code == 302
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        forced.cookies["sessionid"].value
    ]


def test_deleting_an_account_reads_no_one_elses_session(make_client, alice):
    others = [UserFactory() for _ in range(5)]
    for person in others:
        make_client(person).get("/")
    log_in_through_the_form(make_client(), alice)
    make_client(alice).get("/")
    keys = sessions_of(alice)
    assert len(keys) == 2

    with CaptureQueriesContext(connection) as queries:
        ownership.delete_account(user=alice, password=PASSWORD)

    on_sessions = [q["sql"] for q in queries if '"django_session"' in q["sql"]]
    assert on_sessions, "the sessions were not deleted at all"
    assert all(sql.startswith("DELETE") for sql in on_sessions), "\n".join(on_sessions)
    for sql in on_sessions:  # each names alice's sessions and no others
        named = set(re.findall(r"'([a-z0-9]{32})'", sql))
        assert named and named <= set(keys), sql
    assert Session.objects.count() == len(others)
    assert all(sessions_of(person) for person in others)


def test_deleting_an_account_signs_out_every_device(make_client, alice):
    devices = [log_in_through_the_form(make_client(), alice), make_client(alice)]
    assert make_client().post(
        reverse("account_delete"), {"password": PASSWORD, "confirm": "on"}
    ).status_code in (302, 200)  # anonymous: nothing happens to alice
    assert len(sessions_of(alice)) == 2
    response = devices[0].post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert sessions_of(alice) == [] and not UserSession.objects.exists()
    assert devices[1].get("/").status_code == 302  # signed out, sent to log in


def test_sessions_from_before_user_sessions_get_their_row_at_migration(alice, bob):
    store = SessionStore()
    store[SESSION_KEY] = str(alice.pk)
    store.create()
    anonymous = SessionStore()
    anonymous["something"] = 1
    anonymous.create()
    migration = importlib.import_module("accounts.migrations.0002_record_existing_sessions")
    migration.record_existing_sessions(apps, None)
    (row,) = UserSession.objects.all()
    assert (row.user_id, row.session_key) == (alice.pk, store.session_key)
    bob_device_after_that = SessionStore()
    bob_device_after_that[SESSION_KEY] = str(bob.pk)
    bob_device_after_that.create()
    migration.record_existing_sessions(apps, None)  # again: nothing twice
    assert UserSession.objects.filter(user=alice).count() == 1
