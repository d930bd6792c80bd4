"""The weekly check-in's services: each partner writes their own entry of this
week's check-in; either may put a topic on the next session's agenda."""

import datetime

import pytest
from django.utils import timezone

from couples.domain.checkins import week_start_for
from couples.domain.errors import NotFound
from couples.models import AgendaTopic, AgreedListChange, Appreciation, CheckIn, CheckInEntry
from couples.services import alternatives, therapy
from couples.services import checkins as service
from couples.services.checkins import CheckInError, NoSessionPlanned
from tests.factories import space_of

pytestmark = pytest.mark.django_db


def pushes(sent):
    return [(group, tuple(event["parts"])) for group, event in sent]


def test_checkin_appreciations_are_one_entry_per_person_per_week(alice, bob, couple):
    service.add_appreciation(space=space_of(alice), text="Tea when I got home late")
    service.add_appreciation(space=space_of(bob), text="You listened")
    service.add_appreciation(space=space_of(alice), text="The walk on Sunday")
    checkin = CheckIn.objects.get()
    assert checkin.week_start == week_start_for(alice)
    assert checkin.week_start.weekday() == 0
    assert {e.author_id for e in checkin.entries.all()} == {alice.pk, bob.pk}
    mine = CheckInEntry.objects.get(author=alice)
    assert [a.text for a in mine.appreciations.all()] == [
        "Tea when I got home late",
        "The walk on Sunday",
    ]


def test_checkin_holds_three_appreciations_each(alice, bob, couple):
    for n in range(3):
        service.add_appreciation(space=space_of(alice), text=f"thing {n}")
    with pytest.raises(CheckInError, match="holds 3"):
        service.add_appreciation(space=space_of(alice), text="a fourth")
    # The partner's own three are theirs to give.
    service.add_appreciation(space=space_of(bob), text="bob's")
    assert Appreciation.objects.filter(entry__author=alice).count() == 3


def test_checkin_empty_or_long_appreciation_is_refused(alice, couple):
    with pytest.raises(CheckInError):
        service.add_appreciation(space=space_of(alice), text="   ")
    with pytest.raises(CheckInError):
        service.add_appreciation(space=space_of(alice), text="x" * 301)
    assert not Appreciation.objects.exists()


def test_checkin_only_the_author_takes_an_appreciation_back(alice, bob, couple):
    appreciation = service.add_appreciation(space=space_of(alice), text="mine")
    with pytest.raises(NotFound):
        service.remove_appreciation(space=space_of(bob), appreciation_id=appreciation.pk)
    service.remove_appreciation(space=space_of(alice), appreciation_id=appreciation.pk)
    assert not Appreciation.objects.exists()


def test_checkin_past_weeks_are_for_reading(alice, couple):
    appreciation = service.add_appreciation(space=space_of(alice), text="last week")
    CheckIn.objects.update(week_start=week_start_for(alice) - datetime.timedelta(days=7))
    with pytest.raises(CheckInError):
        service.remove_appreciation(space=space_of(alice), appreciation_id=appreciation.pk)
    # A new write goes into this week's check-in, a new one.
    service.save_went_well(space=space_of(alice), text="Dinner together")
    assert CheckIn.objects.count() == 2


def test_checkin_week_is_the_writers_own_monday(alice, bob, couple):
    alice.time_zone = "Pacific/Auckland"
    bob.time_zone = "America/Los_Angeles"
    # Sunday 20:00 in Los Angeles is already Monday in Auckland.
    now = datetime.datetime(2026, 12, 7, 4, 0, tzinfo=datetime.UTC)
    assert week_start_for(bob, now) == datetime.date(2026, 11, 30)
    assert week_start_for(alice, now) == datetime.date(2026, 12, 7)


def test_checkin_went_well_and_topic_are_saved_and_cleared(alice, couple):
    service.save_went_well(space=space_of(alice), text="  We laughed a lot  ")
    service.save_topic(space=space_of(alice), text="Weekend plans")
    entry = CheckInEntry.objects.get(author=alice)
    assert (entry.went_well, entry.topic) == ("We laughed a lot", "Weekend plans")
    service.save_topic(space=space_of(alice), text="")
    entry.refresh_from_db()
    assert entry.topic == ""


def test_checkin_each_write_pushes_its_step_to_both(alice, bob, couple, sent, run):
    run(service.add_appreciation, space=space_of(alice), text="a")
    run(service.save_went_well, space=space_of(bob), text="b")
    run(service.save_topic, space=space_of(alice), text="c")
    expected = []
    for part in ("checkin-appreciations", "checkin-went-well", "checkin-topics"):
        expected += [(f"user.{alice.pk}", (part,)), (f"user.{bob.pk}", (part,))]
    assert pushes(sent) == expected


def test_checkin_frames_show_each_partner_the_other_entry(alice, bob, couple, sent, run):
    run(service.add_appreciation, space=space_of(alice), text="Ckn-frame-canary")
    frames = {group: event["html"] for group, event in sent}
    assert "Ckn-frame-canary" in frames[f"user.{bob.pk}"]
    assert "Ckn-frame-canary" in frames[f"user.{alice.pk}"]
    # Only the author's frame offers to take it back.
    assert "Take back" in frames[f"user.{alice.pk}"]
    assert "Take back" not in frames[f"user.{bob.pk}"]


def test_checkin_a_refused_write_pushes_nothing(alice, couple, sent, run):
    with pytest.raises(CheckInError):
        run(service.add_appreciation, space=space_of(alice), text="")
    assert sent == []


def _session(alice, days=7):
    return therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_checkin_either_partner_moves_a_topic_to_the_next_session_as_its_authors(
    alice, bob, couple
):
    later = _session(alice, days=14)
    sooner = _session(alice, days=3)
    entry = service.save_topic(space=space_of(alice), text="Ckn topic to move")
    topic = service.move_topic_to_agenda(space=space_of(bob), entry_id=entry.pk)
    assert topic.session_id == sooner.pk != later.pk
    assert topic.added_by_id == alice.pk  # hers, on the agenda too
    assert topic.text == "Ckn topic to move"
    entry.refresh_from_db()
    assert entry.topic_moved_to_id == topic.pk
    # Moving it again changes nothing.
    assert service.move_topic_to_agenda(space=space_of(alice), entry_id=entry.pk) == topic
    assert AgendaTopic.objects.count() == 1


def test_checkin_topic_with_no_session_planned_stays_and_says_so(alice, couple):
    entry = service.save_topic(space=space_of(alice), text="Kept")
    with pytest.raises(NoSessionPlanned, match="No session is planned"):
        service.move_topic_to_agenda(space=space_of(alice), entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.topic == "Kept" and entry.topic_moved_to is None
    assert not AgendaTopic.objects.exists()


def test_checkin_a_new_wording_is_a_new_topic(alice, couple):
    _session(alice)
    entry = service.save_topic(space=space_of(alice), text="First")
    service.move_topic_to_agenda(space=space_of(alice), entry_id=entry.pk)
    service.save_topic(space=space_of(alice), text="Second")
    entry.refresh_from_db()
    assert entry.topic_moved_to is None
    assert list(AgendaTopic.objects.values_list("text", flat=True)) == ["First"]


def test_checkin_outsider_cannot_move_a_couples_topic(alice, couple, carol):
    from tests.factories import UserFactory, link

    link(carol, UserFactory())
    _session(alice)
    entry = service.save_topic(space=space_of(alice), text="Ours")
    with pytest.raises(NotFound):
        service.move_topic_to_agenda(space=space_of(carol), entry_id=entry.pk)
    assert not AgendaTopic.objects.exists()


def test_checkin_agreed_list_changes_are_noted_without_a_person(alice, bob, couple):
    from couples.models import AlternativeActivity

    activity = AlternativeActivity.objects.filter(couple__isnull=True).first()
    if activity is None:
        activity = alternatives.propose_activity(space=space_of(alice), name="A long walk")
    alternatives.answer_activity(space=space_of(alice), activity_id=activity.pk, answer="yes")
    assert not AgreedListChange.objects.exists()  # one yes is not agreement
    alternatives.answer_activity(space=space_of(bob), activity_id=activity.pk, answer="yes")
    alternatives.withdraw_yes(space=space_of(bob), activity_id=activity.pk)
    changes = list(AgreedListChange.objects.values_list("change", flat=True))
    assert changes == ["added", "withdrawn"]
    field_names = {f.name for f in AgreedListChange._meta.get_fields()}
    assert not field_names & {"user", "author", "by", "person", "owner"}


def test_checkin_partners_across_monday_midnight_each_see_their_own_week(
    alice, bob, couple, sent, run, monkeypatch
):
    alice.time_zone, bob.time_zone = "Pacific/Auckland", "America/Los_Angeles"
    alice.save(update_fields=["time_zone"])
    bob.save(update_fields=["time_zone"])
    # Monday 17:00 in Auckland is still Sunday 20:00 in Los Angeles.
    monday_there = datetime.datetime(2026, 12, 7, 4, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday_there)
    run(service.add_appreciation, space=space_of(bob), text="Ckn-bobs-sunday")
    sent.clear()
    run(service.add_appreciation, space=space_of(alice), text="Ckn-alices-monday")
    weeks = dict(CheckIn.objects.values_list("week_start", "entries__author"))
    assert weeks == {datetime.date(2026, 11, 30): bob.pk, datetime.date(2026, 12, 7): alice.pk}
    frames = {group: event["html"] for group, event in sent}
    assert "Ckn-alices-monday" in frames[f"user.{alice.pk}"]
    assert "Ckn-bobs-sunday" not in frames[f"user.{alice.pk}"]
    # Bob is still in last week: his frame shows his week, where he wrote.
    assert "Ckn-bobs-sunday" in frames[f"user.{bob.pk}"]
    assert "Ckn-alices-monday" not in frames[f"user.{bob.pk}"]
