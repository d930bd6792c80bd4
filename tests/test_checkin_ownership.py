"""The weekly check-in in export and account deletion: each person's own
entries, never the partner's; deleting an account takes every word of hers."""

import datetime

import pytest
from django.utils import timezone

from couples.export import build_export
from couples.models import AgendaTopic, Appreciation, CheckIn, CheckInEntry
from couples.services import checkins, ownership, therapy
from tests.factories import space_of
from tests.test_ownership_delete import database_text, rows_referencing
from tests.test_ownership_export import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(alice, bob, couple):
    therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=3)
    )
    mine, theirs = space_of(alice), space_of(bob)
    checkins.add_appreciation(space=mine, text="Ckn-alice-appreciation")
    checkins.save_went_well(space=mine, text="Ckn-alice-went-well")
    entry = checkins.save_topic(space=mine, text="Ckn-alice-topic")
    checkins.move_topic_to_agenda(space=theirs, entry_id=entry.pk)
    checkins.add_appreciation(space=theirs, text="Ckn-bob-appreciation")
    checkins.save_topic(space=theirs, text="Ckn-bob-topic")


def test_checkin_export_holds_my_entry_and_none_of_my_partners(alice, written):
    document = build_export(alice)
    validate(document)
    (entry,) = document["checkins"]
    assert entry["appreciations"][0]["text"] == "Ckn-alice-appreciation"
    assert (entry["went_well"], entry["topic"]) == ("Ckn-alice-went-well", "Ckn-alice-topic")
    assert entry["topic_moved_at"] is not None
    assert "Ckn-bob" not in str(document)


def test_checkin_deleting_an_account_takes_her_entries_and_keeps_his(alice, bob, written):
    alice_id = alice.pk
    assert "couples_checkinentry.author_id" in rows_referencing(alice_id)
    ownership.delete_account(user=alice, confirmed_just_now=True)
    assert rows_referencing(alice_id) == []
    everything = database_text()
    for canary in ("Ckn-alice-appreciation", "Ckn-alice-went-well", "Ckn-alice-topic"):
        assert canary not in everything, canary
    assert list(CheckInEntry.objects.values_list("author_id", flat=True)) == [bob.pk]
    assert list(Appreciation.objects.values_list("text", flat=True)) == ["Ckn-bob-appreciation"]
    assert not AgendaTopic.objects.filter(text="Ckn-alice-topic").exists()
    # The week's container holds no words; it stays with the dissolved couple.
    assert CheckIn.objects.count() == 1


def test_checkin_an_ex_sees_no_checkin_after_unlinking(alice, bob, alice_client, written):
    from couples.services import linking

    linking.unlink(user=alice)
    assert alice_client.get("/checkin/").status_code == 404
    assert build_export(bob)["checkins"][0]["topic"] == "Ckn-bob-topic"
