"""Homework live: every write leaves both partners' dashboards, as they were
plus the frames the writer rendered for each, equal to a fresh render
(zulip's verify_action, as in tests/test_live_frames.py)."""

import datetime

import pytest

from couples.models import Homework
from couples.services import homework as service
from tests.factories import space_of
from tests.test_live_frames import verify_action  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db


def test_homework_every_write_leaves_both_pages_as_a_fresh_render(alice, bob, verify_action):  # noqa: F811
    verify_action(
        lambda: service.propose_homework(
            space=space_of(alice), exercise="sensate_focus", text="Hmw-live"
        )
    )
    homework = Homework.objects.get()
    received = verify_action(
        lambda: service.accept_homework(space=space_of(bob), homework_id=homework.pk)
    )
    # Each frame is for its recipient's eyes: only bob's said "accept" before, and
    # now both frames show the exercise under way with a "ready" of their own.
    for person in (alice, bob):
        assert any(f'id="homework-{homework.pk}-confirm"' in frame for frame in received[person.pk])
    received = verify_action(
        lambda: service.confirm_stage(space=space_of(alice), homework_id=homework.pk, stage=1)
    )
    assert any("is ready for the next stage, whenever you are." in f for f in received[bob.pk])
    assert any("You are ready for the next stage." in f for f in received[alice.pk])
    verify_action(
        lambda: service.confirm_stage(space=space_of(bob), homework_id=homework.pk, stage=1)
    )
    verify_action(
        lambda: service.mark_done(
            space=space_of(bob),
            homework_id=homework.pk,
            done_on=datetime.date.today(),
            note="Hmw-live-note",
        )
    )
    verify_action(lambda: service.end_homework(space=space_of(alice), homework_id=homework.pk))
