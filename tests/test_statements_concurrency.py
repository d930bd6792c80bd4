"""Two real concurrent transactions on PostgreSQL editing the same statement."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction

from couples.models import Statement
from couples.services import Conflict
from couples.services import statements as services
from tests.factories import space_of

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "reason": "tired",
    "meaning": "My body is done for the day.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love how you reach for me.",
    "rain_check": "",
}


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the test inspects it
            results[key] = error
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def test_two_tabs_saving_from_the_same_version_at_once_lose_nothing(couple, alice, monkeypatch):
    """Both tabs rendered version 1 and save at the same instant. The row lock
    makes the second wait for the first to commit; it then sees version 2 and
    gets a Conflict instead of overwriting. (The slowed version check widens the
    window so that, without the lock, both would pass and one save be lost.)"""
    statement = services.add_statement(space=space_of(alice), **WORDS)
    original_check = services.check_version

    def slow_check(*args, **kwargs):
        original_check(*args, **kwargs)
        time.sleep(0.4)

    monkeypatch.setattr(services, "check_version", slow_check)
    barrier = threading.Barrier(2)
    results = {}

    def save(text):
        def target():
            barrier.wait()
            return services.edit_statement(
                space=space_of(alice),
                statement_id=statement.pk,
                version=1,
                **{**WORDS, "meaning": text},
            )

        return target

    threads = [_in_thread(save(f"tab {n}"), results, n) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["Conflict", "Statement"]
    winner = next(r for r in results.values() if isinstance(r, Statement))
    statement.refresh_from_db()
    assert statement.version == 2
    assert statement.meaning == winner.meaning
    assert list(statement.revisions.values_list("version", flat=True)) == [2, 1]


def test_a_save_waits_for_an_open_transaction_holding_the_row_then_conflicts(couple, alice):
    """A separate connection holds the row in an open transaction and commits
    an edit while the service is waiting on the lock: the service must see the
    committed version, not the one it was given."""
    statement = services.add_statement(space=space_of(alice), **WORDS)
    locked = threading.Event()
    release = threading.Event()
    results = {}

    def holder():
        with transaction.atomic():
            row = Statement.objects.select_for_update().get(pk=statement.pk)
            locked.set()
            release.wait(timeout=5)
            row.meaning = "Saved by the other tab."
            row.version = 2
            row.save()
        return row

    other = _in_thread(holder, results, "holder")
    other.start()
    assert locked.wait(timeout=5)

    def stale_save():
        return services.edit_statement(
            space=space_of(alice),
            statement_id=statement.pk,
            version=1,
            **{**WORDS, "meaning": "From the stale tab."},
        )

    mine = _in_thread(stale_save, results, "mine")
    mine.start()
    time.sleep(0.3)
    assert mine.is_alive(), "the save should be waiting on the row lock"
    release.set()
    other.join(timeout=10)
    mine.join(timeout=10)

    assert isinstance(results["mine"], Conflict)
    close_old_connections()
    statement.refresh_from_db()
    assert statement.meaning == "Saved by the other tab."
    assert connection.vendor == "postgresql"
