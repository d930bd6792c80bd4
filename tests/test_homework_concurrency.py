"""Two partners confirming a stage at the same moment, in two real PostgreSQL
transactions: the exercise moves on exactly once."""

import threading

import pytest
from django.db import transaction

from couples.models import Homework, StageConfirmation
from couples.services import homework as service
from tests.concurrency_support import in_thread
from tests.factories import space_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staged(alice, bob, couple):
    homework = service.propose_homework(space=space_of(alice), exercise="sensate_focus")
    service.accept_homework(space=space_of(bob), homework_id=homework.pk)
    return homework


def test_homework_a_confirmation_waits_for_the_partners_and_sees_it(alice, bob, staged):
    bob_done = threading.Event()
    results = []
    with transaction.atomic():
        # alice's confirmation holds the homework lock, not yet committed
        service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)

        def bob_confirms():
            results.append(
                service.confirm_stage(space=space_of(bob), homework_id=staged.pk, stage=1)
            )
            bob_done.set()

        thread, errors = in_thread(bob_confirms)
        assert not bob_done.wait(0.5), "bob's confirmation did not wait for alice's transaction"
    thread.join(10)
    assert not errors, errors
    # Applied after alice's commit: bob sees her confirmation, and it moves on once.
    assert results[0].advanced
    staged.refresh_from_db()
    assert staged.stage == 2


def test_homework_both_confirming_at_once_advance_exactly_once(alice, bob, staged):
    for _round in range(5):
        staged.refresh_from_db()
        stage = staged.stage
        start = threading.Barrier(2)
        outcomes = []

        def confirm(person, stage=stage, start=start, outcomes=outcomes):
            def run():
                start.wait(5)
                result = service.confirm_stage(
                    space=space_of(person), homework_id=staged.pk, stage=stage
                )
                outcomes.append(result.advanced)

            return run

        threads = [in_thread(confirm(person)) for person in (alice, bob)]
        for thread, errors in threads:
            thread.join(10)
            assert not errors, errors
        assert sorted(outcomes) == [False, True]  # exactly one of the two moved it on
        staged.refresh_from_db()
        if stage == 4:
            assert staged.state == "ended"
            break
        assert staged.stage == stage + 1
    assert StageConfirmation.objects.filter(homework=staged).count() == 8
    assert Homework.objects.get(pk=staged.pk).stage == 4
