import threading

import pytest
from django.db import connection

from couples import access
from couples.access import current_space
from couples.services import alternatives as service
from tests.factories import UserFactory, link, space_of


@pytest.mark.django_db(transaction=True)
def test_two_partners_saying_yes_at_the_same_moment_agree_exactly_once():
    """Real concurrent transactions: the couple lock serializes them, so the
    second sees the first's yes and the shared list is announced exactly once."""
    alice, bob = UserFactory(), UserFactory()
    link(alice, bob)
    activity = service.propose_activity(space=space_of(alice), name="Together at once")
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def answer(user):
        try:
            barrier.wait(timeout=5)
            results[user.pk] = service.answer_activity(
                space=space_of(user), activity_id=activity.pk, answer="yes"
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,)) for user in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert sorted(r.agreed_changed for r in results.values()) == [False, True]
    assert [a.name for a in access.agreed_activities(current_space(alice))] == ["Together at once"]
