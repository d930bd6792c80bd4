"""Invite-code guessing under real concurrency on PostgreSQL: the limit is exact.

Each thread is its own database connection (its own transaction), as parallel
requests to several server processes would be. The count and the record of an
attempt happen under one lock per person (an advisory lock, so it holds across
processes too), so parallel wrong codes cannot all read the same count.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection

from couples.access import current_space
from couples.models import InviteAttempt
from couples.services import ServiceError, Throttled, linking
from couples.services.linking import _GUESSES_LOCK_CLASS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "ZZZZZZZZ"


def in_parallel(calls):
    """Run every call at once (released together); return each outcome in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_sixty_parallel_wrong_codes_from_one_person_evaluate_exactly_the_limit(settings):
    settings.INVITE_ATTEMPT_LIMIT = 5
    guesser = UserFactory()

    outcomes = in_parallel([lambda: linking.accept_invite(user=guesser, code=WRONG)] * 60)

    throttled = [o for o in outcomes if isinstance(o, Throttled)]
    refused = [o for o in outcomes if isinstance(o, ServiceError) and not isinstance(o, Throttled)]
    assert len(refused) == 5, outcomes
    assert all("does not match" in o.message for o in refused)
    assert len(throttled) == 55
    assert InviteAttempt.objects.filter(user=guesser).count() == 5


def test_parallel_guessers_each_get_their_own_limit(settings):
    """The lock is per person: one person's guesses never use up another's."""
    settings.INVITE_ATTEMPT_LIMIT = 3
    guessers = [UserFactory() for _ in range(4)]
    calls = [
        lambda g=g: linking.accept_invite(user=g, code=WRONG) for g in guessers for _ in range(6)
    ]

    outcomes = in_parallel(calls)

    assert sum(isinstance(o, Throttled) for o in outcomes) == 4 * 3
    for guesser in guessers:
        assert InviteAttempt.objects.filter(user=guesser).count() == 3


def test_a_guess_waits_for_the_lock_another_process_holds():
    """The lock lives in PostgreSQL, not in the process: while another
    process's connection holds this person's lock, a guess waits, and goes on
    once it is released."""
    guesser = UserFactory()
    db = connection.settings_dict
    outcome = []
    with psycopg.connect(
        dbname=db["NAME"], host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"]
    ) as other:
        other.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_GUESSES_LOCK_CLASS, guesser.pk % 2**31]
        )
        thread = threading.Thread(
            target=_record, args=(outcome, lambda: linking.accept_invite(user=guesser, code=WRONG))
        )
        thread.start()
        _wait_until_a_guess_waits_for(guesser.pk)
        assert outcome == [] and InviteAttempt.objects.count() == 0
        other.commit()  # the other process's transaction ends
    thread.join(timeout=30)
    assert isinstance(outcome[0], ServiceError) and not isinstance(outcome[0], Throttled)
    assert InviteAttempt.objects.filter(user=guesser).count() == 1


def test_two_people_accepting_each_others_invites_at_once_link_once_without_a_deadlock():
    alice, bob = UserFactory(), UserFactory()
    _a, alice_code = linking.create_invite(creator=alice)
    _b, bob_code = linking.create_invite(creator=bob)

    outcomes = in_parallel(
        [
            lambda: linking.accept_invite(user=bob, code=alice_code),
            lambda: linking.accept_invite(user=alice, code=bob_code),
        ]
    )

    linked = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(linked) == 1 and len(refused) == 1, outcomes
    assert current_space(alice).partner == bob


def _record(outcome, call):
    try:
        outcome.append(call())
    except Exception as error:
        outcome.append(error)
    finally:
        connection.close()


def _wait_until_a_guess_waits_for(user_id, timeout=10.0):
    """Until a guess is queued behind the person's lock (PostgreSQL says so in
    pg_locks): an observed state, not a timed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND classid = %s AND objid = %s",
                [_GUESSES_LOCK_CLASS, user_id % 2**31],
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("no guess queued behind the lock")
