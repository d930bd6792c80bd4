"""The moment under real concurrent transactions on PostgreSQL: two answers at
once, an ask withdrawn while it is answered, a rain check redeemed twice — one
wins, the other gets a clear message, nothing is lost or duplicated."""

import threading

import pytest
from django.db import connection

from couples.domain.errors import Conflict
from couples.models import Ask, AskAnswer, RainCheck
from couples.services import moment
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*actions):
    """Run each action in its own thread and connection, released together.
    Returns (results, conflicts) in the order given."""
    barrier = threading.Barrier(len(actions))
    results, conflicts, errors = [None] * len(actions), [None] * len(actions), []

    def run(i, action):
        try:
            barrier.wait(timeout=5)
            results[i] = action()
        except Conflict as conflict:
            conflicts[i] = conflict
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results, conflicts


@pytest.fixture
def pair():
    alice, bob = UserFactory(), UserFactory()
    link(alice, bob)
    return alice, bob


def test_two_answers_to_one_ask_at_once_one_wins_the_other_is_told(pair):
    alice, bob = pair
    item = moment.ask(space=space_of(alice), kind="closeness")
    card = moment.clean_card(space_of(bob), reason="Tired.")
    results, conflicts = at_once(
        lambda: moment.answer_yes(space=space_of(bob), ask_id=item.pk),
        lambda: moment.decline(space=space_of(bob), ask_id=item.pk, card=card),
    )
    assert sum(r is not None for r in results) == 1
    assert sum(c is not None for c in conflicts) == 1
    assert "already been answered" in next(c for c in conflicts if c).message
    assert AskAnswer.objects.filter(ask=item).count() == 1
    assert Ask.objects.get(pk=item.pk).state == Ask.ANSWERED


def test_an_ask_withdrawn_while_it_is_answered_is_one_or_the_other(pair):
    alice, bob = pair
    item = moment.ask(space=space_of(alice), kind="closeness")
    results, conflicts = at_once(
        lambda: moment.withdraw(space=space_of(alice), ask_id=item.pk),
        lambda: moment.answer_yes(space=space_of(bob), ask_id=item.pk),
    )
    state = Ask.objects.get(pk=item.pk).state
    answers = AskAnswer.objects.filter(ask=item).count()
    if results[0] is not None:  # withdrawn first: no answer was recorded
        assert state == Ask.WITHDRAWN and answers == 0
        assert "took this ask back" in conflicts[1].message
    else:  # answered first: the withdrawal is refused, kindly
        assert state == Ask.ANSWERED and answers == 1
        assert "already answered" in conflicts[0].message


def test_a_rain_check_redeemed_twice_at_once_becomes_one_ask(pair):
    alice, bob = pair
    item = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(
        space=space_of(bob),
        ask_id=item.pk,
        card=moment.clean_card(space_of(bob), rain_check="come"),
    )
    rain_check = RainCheck.objects.get()
    results, conflicts = at_once(
        lambda: moment.redeem(space=space_of(bob), rain_check_id=rain_check.pk),
        lambda: moment.redeem(space=space_of(bob), rain_check_id=rain_check.pk),
    )
    assert sum(r is not None for r in results) == 1
    assert sum(c is not None for c in conflicts) == 1
    assert Ask.objects.filter(asker=bob).count() == 1
    assert RainCheck.objects.get().state == RainCheck.REDEEMED


def test_two_asks_from_one_person_at_once_leave_one_open_ask(pair):
    alice, _bob = pair
    results, conflicts = at_once(
        lambda: moment.ask(space=space_of(alice), kind="closeness", words="First"),
        lambda: moment.ask(space=space_of(alice), kind="sex", words="Second"),
    )
    assert sum(r is not None for r in results) == 1
    assert "already have an open ask" in next(c for c in conflicts if c).message
    assert Ask.objects.filter(asker=alice, state=Ask.OPEN).count() == 1
