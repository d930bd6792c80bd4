"""Homework notifications: only for a person who chose them, discreet, once
per moment, and never a reminder, a "not now" or a "ready"."""

import datetime

import pytest

from couples.models import Notice, NoticeKind
from couples.services import homework as service
from couples.tasks import DISCREET, TITLE
from tests.factories import space_of
from tests.test_push_notifications import bob_listens, choose, run_tasks, subscribe  # noqa: F401

pytestmark = pytest.mark.django_db


def test_homework_proposal_reaches_the_partner_who_chose_it_discreetly(
    endpoint,
    bob_listens,  # noqa: F811
    run,
    alice,
):
    run(service.propose_homework, space=space_of(alice), text="Hmw-push-canary")
    run_tasks()
    received = endpoint.take()
    assert bob_listens.decrypt(received) == {
        "title": TITLE,
        "body": DISCREET,
        "tag": bob_listens.decrypt(received)["tag"],
        "url": "/#homework",
    }
    assert b"Hmw-push-canary" not in received.body
    assert endpoint.nothing_received()


def test_homework_nothing_for_a_partner_who_did_not_choose_it(
    endpoint, couple, alice, bob, bob_client, run
):
    assert subscribe(bob_client, endpoint.subscriber("bob")).status_code == 201
    choose(bob, *(kind for kind in NoticeKind.values if kind != NoticeKind.HOMEWORK))
    run(service.propose_homework, space=space_of(alice), text="Walk")
    assert not Notice.objects.exists()


def test_homework_accepted_before_delivery_is_no_longer_news(
    endpoint,
    bob_listens,  # noqa: F811
    run,
    alice,
    bob,
):
    homework = run(service.propose_homework, space=space_of(alice), text="Walk")
    run(service.accept_homework, space=space_of(bob), homework_id=homework.pk)
    run_tasks()
    assert endpoint.nothing_received()
    assert Notice.objects.get().state == Notice.SKIPPED


def test_homework_stage_moving_on_is_told_to_the_first_to_confirm_only(
    endpoint,
    bob_listens,  # noqa: F811
    run,
    alice,
    bob,
):
    choose(bob, *NoticeKind.values, detail=True)
    homework = run(service.propose_homework, space=space_of(bob), exercise="sensate_focus")
    run(service.accept_homework, space=space_of(alice), homework_id=homework.pk)
    run(service.confirm_stage, space=space_of(bob), homework_id=homework.pk, stage=1)
    run(service.take_back_confirmation, space=space_of(bob), homework_id=homework.pk, stage=1)
    run(service.confirm_stage, space=space_of(bob), homework_id=homework.pk, stage=1)
    # Nothing so far: a "ready" or taking it back is never told.
    assert not Notice.objects.exists()
    run(service.confirm_stage, space=space_of(alice), homework_id=homework.pk, stage=1)
    run(
        service.mark_done,
        space=space_of(alice),
        homework_id=homework.pk,
        done_on=datetime.date.today(),
    )
    run_tasks()
    payload = bob_listens.decrypt(endpoint.take())
    assert payload["body"] == "Your homework moved on to its next stage"
    assert endpoint.nothing_received()
    assert Notice.objects.get().person == bob
