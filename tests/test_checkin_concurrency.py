"""One person's two devices adding appreciations at the same moment, in two
real PostgreSQL transactions: the entry's row lock keeps it to three."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from couples.models import Appreciation, CheckInEntry
from couples.services import checkins as service
from couples.services.checkins import CheckInError
from tests.factories import space_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_checkin_a_fourth_appreciation_from_another_device_waits_and_is_refused(alice, couple):
    service.add_appreciation(space=space_of(alice), text="one")
    service.add_appreciation(space=space_of(alice), text="two")
    other_done = threading.Event()
    errors = []

    def other_device():
        try:
            service.add_appreciation(space=space_of(alice), text="four")
        except Exception as error:  # surfaced in the test thread
            errors.append(error)
        finally:
            other_done.set()
            close_old_connections()
            connection.close()

    with transaction.atomic():
        # This device takes the third place while holding the entry's lock.
        service.add_appreciation(space=space_of(alice), text="three")
        thread = threading.Thread(target=other_device)
        thread.start()
        assert not other_done.wait(0.5), "the other device did not wait for the lock"
    thread.join(10)
    assert len(errors) == 1 and isinstance(errors[0], CheckInError)
    entry = CheckInEntry.objects.get()
    assert sorted(Appreciation.objects.filter(entry=entry).values_list("text", flat=True)) == [
        "one",
        "three",
        "two",
    ]
