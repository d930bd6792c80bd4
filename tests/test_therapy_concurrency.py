"""Two partners reordering the agenda at the same moment, in two real
PostgreSQL transactions: nothing is lost or duplicated."""

import threading
from datetime import date, timedelta

import pytest
from django.db import transaction

from couples.models import TherapySession
from couples.services import therapy as service
from tests.concurrency_support import in_thread
from tests.factories import space_of

pytestmark = pytest.mark.django_db(transaction=True)


def _order(session):
    return list(session.topics.order_by("position").values_list("text", flat=True))


def test_a_reorder_waits_for_the_partners_and_applies_on_their_result(alice, bob, couple):
    session = service.plan_session(
        space=space_of(alice), planned_for=date.today() + timedelta(days=3)
    )
    _a, b, c = (
        service.add_topic(space=space_of(person), session_id=session.pk, text=text)
        for person, text in ((alice, "A"), (bob, "B"), (alice, "C"))
    )
    bob_done = threading.Event()

    # Alice's transaction holds the session lock while moving C up: A C B.
    with transaction.atomic():
        TherapySession.objects.select_for_update().get(pk=session.pk)
        service.move_topic(space=space_of(alice), topic_id=c.pk, direction="up")

        def bob_moves_b_up():
            service.move_topic(space=space_of(bob), topic_id=b.pk, direction="up")
            bob_done.set()

        thread, errors = in_thread(bob_moves_b_up)
        # Bob's move (planned on A B C, where B's upper neighbour is A) must wait.
        assert not bob_done.wait(0.5), "bob's reorder did not wait for alice's transaction"
    thread.join(10)
    assert not errors, errors
    assert bob_done.is_set()
    # Applied after alice's commit, on A C B: B swaps with C, not with A.
    assert _order(session) == ["A", "B", "C"]
    positions = list(session.topics.values_list("position", flat=True))
    assert len(positions) == len(set(positions)) == 3


def test_many_concurrent_moves_by_both_keep_every_topic_exactly_once(alice, bob, couple):
    session = service.plan_session(
        space=space_of(alice), planned_for=date.today() + timedelta(days=3)
    )
    topics = [
        service.add_topic(space=space_of((alice, bob)[i % 2]), session_id=session.pk, text=f"T{i}")
        for i in range(6)
    ]
    start = threading.Barrier(2)

    def shuffle(user, direction):
        def run():
            start.wait(5)
            for round_ in range(15):
                topic = topics[round_ % len(topics)]
                service.move_topic(space=space_of(user), topic_id=topic.pk, direction=direction)

        return run

    threads = [in_thread(shuffle(alice, "up")), in_thread(shuffle(bob, "down"))]
    for thread, _errors in threads:
        thread.join(30)
    for _thread, errors in threads:
        assert not errors, errors
    assert sorted(_order(session)) == sorted(f"T{i}" for i in range(6))
    positions = list(session.topics.values_list("position", flat=True))
    assert len(positions) == len(set(positions)) == 6
