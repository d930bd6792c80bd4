"""Therapy-session services: planning, the shared agenda and who may do what."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from couples.models import AgendaTopic, TherapySession
from couples.services import Conflict, linking
from couples.services import therapy as service
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

DAY = date.today() + timedelta(days=7)


def _texts(session):
    return list(session.topics.order_by("position").values_list("text", flat=True))


@pytest.fixture
def session(alice, couple):
    return service.plan_session(space=space_of(alice), planned_for=DAY, therapist_name="Dr. Reyes")


def test_planning_a_session_belongs_to_the_current_couple(alice, couple, session):
    assert session.couple == couple
    assert session.created_by == alice
    assert session.therapist_name == "Dr. Reyes"


def test_someone_not_linked_cannot_plan_a_session(carol):
    with pytest.raises(service.NotFound):
        service.plan_session(space=space_of(carol), planned_for=DAY)
    assert not TherapySession.objects.exists()


def test_therapist_name_is_length_limited_with_a_clear_message(alice, couple):
    with pytest.raises(service.TherapyError, match="100 characters"):
        service.plan_session(space=space_of(alice), planned_for=DAY, therapist_name="x" * 101)


def test_both_partners_add_topics_in_order_each_as_author(alice, bob, session):
    first = service.add_topic(space=space_of(alice), session_id=session.pk, text="Work nights")
    second = service.add_topic(
        space=space_of(bob), session_id=session.pk, text="Mornings", note="Soon"
    )
    assert (first.added_by, second.added_by) == (alice, bob)
    assert first.couple_id == session.couple_id
    assert _texts(session) == ["Work nights", "Mornings"]


@pytest.mark.parametrize(
    "text,note,message",
    [("   ", "", "write the topic"), ("x" * 201, "", "200"), ("ok", "n" * 1001, "1000")],
)
def test_bad_topic_input_saves_nothing(alice, session, text, note, message):
    with pytest.raises(service.TherapyError, match=message):
        service.add_topic(space=space_of(alice), session_id=session.pk, text=text, note=note)
    assert not AgendaTopic.objects.exists()


def test_outsider_cannot_add_to_a_couples_session(carol, session):
    with pytest.raises(service.NotFound):
        service.add_topic(space=space_of(carol), session_id=session.pk, text="Hello")
    assert not AgendaTopic.objects.exists()


def test_either_partner_reorders_and_the_ends_stay_put(alice, bob, session):
    a = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    service.add_topic(space=space_of(bob), session_id=session.pk, text="B")
    c = service.add_topic(space=space_of(alice), session_id=session.pk, text="C")
    service.move_topic(space=space_of(bob), topic_id=c.pk, direction="up")
    assert _texts(session) == ["A", "C", "B"]
    service.move_topic(space=space_of(alice), topic_id=a.pk, direction="down")
    assert _texts(session) == ["C", "A", "B"]
    service.move_topic(space=space_of(bob), topic_id=c.pk, direction="up")  # already first
    assert _texts(session) == ["C", "A", "B"]


def test_unknown_direction_is_refused(alice, session):
    a = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    with pytest.raises(service.TherapyError):
        service.move_topic(space=space_of(alice), topic_id=a.pk, direction="sideways")


def test_only_the_author_removes_a_topic(alice, bob, session):
    topic = service.add_topic(space=space_of(alice), session_id=session.pk, text="Mine")
    with pytest.raises(service.NotYours):
        service.remove_topic(space=space_of(bob), topic_id=topic.pk)
    assert AgendaTopic.objects.filter(pk=topic.pk).exists()
    service.remove_topic(space=space_of(alice), topic_id=topic.pk)
    assert not AgendaTopic.objects.filter(pk=topic.pk).exists()


def test_positions_after_a_removal_still_add_at_the_end(alice, session):
    a = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    service.add_topic(space=space_of(alice), session_id=session.pk, text="B")
    service.remove_topic(space=space_of(alice), topic_id=a.pk)
    service.add_topic(space=space_of(alice), session_id=session.pk, text="C")
    assert _texts(session) == ["B", "C"]


def test_either_partner_marks_discussed_and_undoes_it(alice, bob, session):
    topic = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    topic = service.set_discussed(space=space_of(bob), topic_id=topic.pk, discussed=True)
    first_mark = topic.discussed_at
    assert first_mark is not None
    topic = service.set_discussed(space=space_of(alice), topic_id=topic.pk, discussed=True)
    assert topic.discussed_at == first_mark  # idempotent: a second mark keeps the first time
    topic = service.set_discussed(space=space_of(alice), topic_id=topic.pk, discussed=False)
    assert topic.discussed_at is None


def test_update_session_with_a_stale_version_is_a_conflict(alice, bob, session):
    service.update_session(
        space=space_of(bob),
        session_id=session.pk,
        planned_for=DAY,
        therapist_name="Dr. Li",
        expected_version=1,
    )
    with pytest.raises(Conflict):
        service.update_session(
            space=space_of(alice),
            session_id=session.pk,
            planned_for=DAY,
            therapist_name="Dr. Kim",
            expected_version=1,
        )
    session.refresh_from_db()
    assert (session.therapist_name, session.version) == ("Dr. Li", 2)


def test_a_duplicated_position_can_never_be_committed(alice, session):
    a = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    b = service.add_topic(space=space_of(alice), session_id=session.pk, text="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaTopic.objects.filter(pk=b.pk).update(position=a.position)
        # The constraint is deferred (so swaps work); force the check now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_after_unlink_nobody_reaches_the_session_and_topics_stay_with_authors(alice, bob, session):
    mine = service.add_topic(space=space_of(alice), session_id=session.pk, text="Alice's topic")
    theirs = service.add_topic(space=space_of(bob), session_id=session.pk, text="Bob's topic")
    linking.unlink(user=alice)
    for person in (alice, bob):
        with pytest.raises(service.NotFound):
            service.add_topic(space=space_of(person), session_id=session.pk, text="More")
        with pytest.raises(service.NotFound):
            service.move_topic(space=space_of(person), topic_id=mine.pk, direction="down")
        with pytest.raises(service.NotFound):
            service.set_discussed(space=space_of(person), topic_id=theirs.pk, discussed=True)
    assert set(AgendaTopic.objects.values_list("added_by", flat=True)) == {alice.pk, bob.pk}


def test_a_new_partner_never_reaches_an_earlier_couples_session(alice, bob, session):
    topic = service.add_topic(space=space_of(bob), session_id=session.pk, text="About Bob")
    linking.unlink(user=bob)
    dave = UserFactory(display_name="Dave")
    link(alice, dave)
    with pytest.raises(service.NotFound):
        service.set_discussed(space=space_of(dave), topic_id=topic.pk, discussed=True)
    with pytest.raises(service.NotFound):
        service.add_topic(space=space_of(alice), session_id=session.pk, text="Still there?")
