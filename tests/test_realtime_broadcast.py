"""Which events services ask for, to which group, and only after commit."""

import logging

import pytest
from django.db import transaction

from accounts.services import update_display_name
from couples.models import Couple
from couples.services import linking
from realtime import broadcast
from tests.factories import link

pytestmark = pytest.mark.django_db


def test_accepted_invite_switches_both_people_and_nothing_else(
    alice, bob, sent, django_capture_on_commit_callbacks
):
    _invite, code = linking.create_invite(creator=alice)
    with django_capture_on_commit_callbacks(execute=True):
        linking.accept_invite(user=bob, code=code)
    switch = {"type": "space.changed", "parts": ["space"], "seq": None, "couple": None}
    assert sent == [(f"user.{alice.pk}", switch), (f"user.{bob.pk}", switch)]


def test_unlink_switches_both_partners_dashboards(
    alice, bob, couple, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        linking.unlink(user=bob)
    assert sorted(group for group, _event in sent) == sorted([f"user.{alice.pk}", f"user.{bob.pk}"])
    assert all(event["parts"] == ["space"] for _group, event in sent)


def test_display_name_change_pushes_every_shared_part_to_both_with_next_seq(
    alice, bob, couple, sent, django_capture_on_commit_callbacks
):
    """The name shows in the partner bar, "Alice's statements", "Alice's week"
    and on the agenda: every shared part is rendered anew."""
    with django_capture_on_commit_callbacks(execute=True):
        update_display_name(user=alice, display_name="Alicia")
    assert [group for group, _event in sent] == [f"user.{alice.pk}", f"user.{bob.pk}"]
    for _group, event in sent:
        assert (event["type"], event["parts"], event["seq"], event["couple"]) == (
            "frame",
            [
                "partner",
                "moment",
                "statements",
                "timing",
                "alternatives",
                "therapy",
                "homework",
                "shared-patterns",
                "checkin-appreciations",
                "checkin-went-well",
                "checkin-topics",
            ],
            1,
            couple.pk,
        )
    alices, bobs = (event["html"] for _group, event in sent)
    # Each partner's frame is rendered for their own eyes: the other's name.
    assert "<strong>Bob</strong>" in alices and "Alicia" not in alices
    assert "<strong>Alicia</strong>" in bobs
    assert Couple.objects.get(pk=couple.pk).seq == 1


def test_unlinked_person_renaming_sends_nothing(carol, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update_display_name(user=carol, display_name="Caroline")
    assert sent == []


def test_nothing_is_sent_before_commit_or_after_rollback(alice, couple, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        update_display_name(user=alice, display_name="Never")
        assert sent == []  # not before commit either
        raise RuntimeError
    assert sent == []
    assert Couple.objects.get(pk=couple.pk).seq == 0


def test_sequence_numbers_increase_by_one_per_change(couple):
    with transaction.atomic():
        first = broadcast.part_changed(couple=couple, parts=["statements"])
        second = broadcast.part_changed(couple=couple, parts=["timing", "statements"])
    assert (first, second) == (1, 2)


def test_user_scoped_or_unknown_parts_never_go_to_the_couple(couple, monkeypatch):
    from couples import parts

    private = parts.Part("diary", "x.html", build=lambda space, rows, request: {}, scope="user")
    monkeypatch.setitem(parts.PARTS, "diary", private)
    with pytest.raises(broadcast.PartScopeError), transaction.atomic():
        broadcast.part_changed(couple=couple, parts=["statements", "diary"])
    with pytest.raises(broadcast.PartScopeError), transaction.atomic():
        broadcast.part_changed(couple=couple, parts=["no-such-part"])
    assert Couple.objects.get(pk=couple.pk).seq == 0


def test_logout_asks_that_session_sockets_to_close(
    alice, make_client, sent, django_capture_on_commit_callbacks
):
    client = make_client(alice)
    client.get("/")
    session_key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/logout/")
    assert sent == [(f"user.{alice.pk}", {"type": "session.check", "ended": session_key})]


def test_a_failed_send_is_logged_without_content_and_never_raises(monkeypatch, caplog):
    class BrokenLayer:
        async def group_send(self, group, event):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(broadcast, "get_channel_layer", BrokenLayer)
    with caplog.at_level(logging.WARNING, logger="realtime.broadcast"):
        ok = broadcast.send_rollback_unsafe("couple.1", {"type": "x", "secret": "MY-SECRET"})
    assert ok is False
    assert "ConnectionError" in caplog.text and "MY-SECRET" not in caplog.text


def test_linking_through_real_services_still_links(alice, bob):
    couple = link(alice, bob)
    assert couple.seq == 0
