"""Notifications cross processes for real: a request's save enqueues a notice,
a separate worker process (`manage.py db_worker`) on the test database sends it
to the local push endpoint, which decrypts it with the subscription's keys.
The save itself never waits on the push service."""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from couples.models import Notice, NoticeKind
from couples.services import notifications
from couples.tasks import DISCREET
from tests.worker_support import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path):
    process = WorkerProcess(
        "db_worker",
        log_path=tmp_path / "worker.log",
        env={
            "VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY,
            "PUSH_SERVICE_HOSTS": "127.0.0.1",
            "PUSH_ALLOW_HTTP": "true",
        },
    ).start()
    yield process
    process.stop()


def test_push_a_real_worker_delivers_an_ask_while_the_request_never_waits(
    endpoint, worker, couple, alice, bob, alice_client, bob_client
):
    subscriber = endpoint.subscriber("bob")
    response = Client.post(
        bob_client,
        reverse("notification_device_add"),
        json.dumps(subscriber.subscription()),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=bob_client.csrf_token(),
    )
    assert response.status_code == 201
    notifications.save_choice(
        user=bob,
        kinds=[NoticeKind.ASK],
        detail=False,
        quiet_start=datetime.time(0),
        quiet_end=datetime.time(0),
    )
    # The push service holds every request open until released: a save that
    # delivered in the request could only return after it, with the notice sent.
    endpoint.hold.clear()
    asked = alice_client.post(reverse("moment_ask"), {"ask-kind": "closeness", "ask-when": "now"})
    assert asked.status_code == 302
    assert Notice.objects.get().state == Notice.PENDING
    received = endpoint.take(timeout=30)  # the worker's request, held open
    assert Notice.objects.get().state == Notice.PENDING
    endpoint.hold.set()
    payload = subscriber.decrypt(received)
    assert payload == {
        "title": "Common Ground",
        "body": DISCREET,
        "tag": payload["tag"],
        "url": "/#moment",
    }
    worker.wait_for(
        lambda: Notice.objects.get().state == Notice.SENT, what="the notice marked sent"
    )
