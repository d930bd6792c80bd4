"""The dashboard stays small as a couple's history grows: it shows the current
things and links to the history (retired statements, past sessions, discussed
topics, older answered questions), so its size and its number of queries are
the same with 10 or 1,000 of each. (Render time: bench/, not here.)"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from couples.demo import add_history
from couples.models import Statement, TherapySession
from couples.services import statements, therapy
from tests.factories import space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "Worn out.",
    "not_meaning": "Not about you.",
    "reassurance": "I love you.",
}


def lived_in(alice, bob, history):
    """A couple with the same current things and ``history`` items of each kind."""
    statements.add_statement(space=space_of(alice), **WORDS)
    statements.add_statement(space=space_of(bob), **WORDS)
    upcoming = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )
    therapy.add_topic(space=space_of(alice), session_id=upcoming.pk, text="Still to talk about")
    add_history(alice, bob, history)


def dashboard(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.usefixtures("uncached_parts")
def test_dashboard_size_and_queries_are_flat_from_10_to_1000_history_items(
    make_client, alice, bob, couple, django_user_model
):
    lived_in(alice, bob, 10)
    small, small_queries = dashboard(make_client(alice))
    Statement.objects.all().delete()
    TherapySession.objects.all().delete()
    lived_in(alice, bob, 1000)
    large, large_queries = dashboard(make_client(alice))
    assert large_queries == small_queries
    # Only counts in words differ ("10 topics" / "1000 topics"), and ids.
    assert abs(len(large) - len(small)) < 100, (len(small), len(large))
    assert "Talked about" not in large  # discussed topics are on the session page
    assert large.count("Q?") <= 2  # the latest answers only; the rest on the history page
