"""Homework between sessions: who may do what, stages that move only when both
are ready, and the live pushes each write asks for."""

import datetime

import pytest
from django.utils import timezone

from couples.domain.errors import Conflict, NotFound
from couples.models import Homework, HomeworkOccurrence, HomeworkState, StageConfirmation
from couples.services import homework as service
from couples.services import therapy
from tests.factories import space_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def pushes(sent):
    return [(group, tuple(event["parts"])) for group, event in sent]


@pytest.fixture
def walk(alice, couple):
    return service.propose_homework(space=space_of(alice), text="A walk together, twice")


@pytest.fixture
def staged(alice, bob, couple):
    homework = service.propose_homework(space=space_of(alice), exercise="sensate_focus")
    service.accept_homework(space=space_of(bob), homework_id=homework.pk)
    homework.refresh_from_db()
    return homework


def test_homework_proposal_is_not_ours_until_the_other_partner_accepts(alice, bob, walk):
    assert walk.state == HomeworkState.PROPOSED
    assert walk.proposed_by == alice
    with pytest.raises(service.NotYours):
        service.accept_homework(space=space_of(alice), homework_id=walk.pk)
    walk.refresh_from_db()
    assert walk.state == HomeworkState.PROPOSED
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    walk.refresh_from_db()
    assert walk.state == HomeworkState.ACCEPTED
    assert walk.accepted_at is not None


def test_homework_proposal_needs_words_or_a_known_exercise(alice, couple):
    with pytest.raises(service.HomeworkError, match="what the homework is"):
        service.propose_homework(space=space_of(alice), text="   ")
    with pytest.raises(service.HomeworkError, match="exercises listed"):
        service.propose_homework(space=space_of(alice), exercise="marathon")
    with pytest.raises(service.HomeworkError, match="500 characters"):
        service.propose_homework(space=space_of(alice), text="x" * 501)
    assert not Homework.objects.exists()


def test_homework_proposer_withdraws_or_the_other_says_not_now_the_same_way(
    alice, bob, couple, walk
):
    service.set_aside_homework(space=space_of(alice), homework_id=walk.pk)
    other = service.propose_homework(space=space_of(alice), text="Phones off at dinner")
    service.set_aside_homework(space=space_of(bob), homework_id=other.pk)
    states = set(Homework.objects.values_list("state", flat=True))
    assert states == {HomeworkState.SET_ASIDE}
    # Nothing records who put it aside: the two rows differ only in their words.
    with pytest.raises(Conflict):
        service.accept_homework(space=space_of(bob), homework_id=walk.pk)


def test_homework_either_partner_marks_a_time_done_only_once_it_is_ours(alice, bob, walk):
    with pytest.raises(Conflict):
        service.mark_done(space=space_of(bob), homework_id=walk.pk, done_on=TODAY())
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    mine = service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=TODAY())
    his = service.mark_done(
        space=space_of(bob), homework_id=walk.pk, done_on=TODAY(), note="  Lovely.  "
    )
    assert (mine.done_by, his.done_by, his.note, mine.stage) == (alice, bob, "Lovely.", None)


def test_homework_done_day_is_not_in_the_future_of_the_marker(alice, bob, walk):
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(service.HomeworkError, match="not come yet"):
        service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=tomorrow)
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    with pytest.raises(service.HomeworkError, match="last 31 days"):
        service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=long_ago)
    assert not HomeworkOccurrence.objects.exists()


def test_homework_time_is_taken_back_only_by_who_marked_it(alice, bob, walk):
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    mine = service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=TODAY())
    with pytest.raises(service.NotYours):
        service.remove_occurrence(space=space_of(bob), occurrence_id=mine.pk)
    service.remove_occurrence(space=space_of(alice), occurrence_id=mine.pk)
    assert not HomeworkOccurrence.objects.exists()


def test_homework_stage_moves_on_only_when_both_confirm(alice, bob, staged):
    first = service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)
    assert not first.advanced
    assert first.homework.stage == 1
    again = service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)
    assert not again.advanced  # confirming twice alone never counts as both
    second = service.confirm_stage(space=space_of(bob), homework_id=staged.pk, stage=1)
    assert second.advanced
    staged.refresh_from_db()
    assert staged.stage == 2
    # A stale button for stage 1 never confirms stage 2.
    with pytest.raises(Conflict):
        service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)
    assert not StageConfirmation.objects.filter(stage=2).exists()


def test_homework_confirmation_taken_back_before_the_other_confirms(alice, bob, staged):
    service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)
    service.take_back_confirmation(space=space_of(alice), homework_id=staged.pk, stage=1)
    result = service.confirm_stage(space=space_of(bob), homework_id=staged.pk, stage=1)
    assert not result.advanced
    staged.refresh_from_db()
    assert staged.stage == 1


def test_homework_confirmation_cannot_be_taken_back_once_the_stage_moved_on(alice, bob, staged):
    service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=1)
    service.confirm_stage(space=space_of(bob), homework_id=staged.pk, stage=1)
    with pytest.raises(Conflict):
        service.take_back_confirmation(space=space_of(alice), homework_id=staged.pk, stage=1)


def test_homework_both_ready_after_the_last_stage_completes_the_exercise(alice, bob, staged):
    for stage in range(1, 5):
        service.confirm_stage(space=space_of(alice), homework_id=staged.pk, stage=stage)
        service.confirm_stage(space=space_of(bob), homework_id=staged.pk, stage=stage)
    staged.refresh_from_db()
    assert (staged.state, staged.stage) == (HomeworkState.ENDED, 4)


def test_homework_occurrence_records_the_stage_it_was_done_at(alice, bob, staged):
    occurrence = service.mark_done(space=space_of(bob), homework_id=staged.pk, done_on=TODAY())
    assert occurrence.stage == 1


def test_homework_free_text_has_no_stages(alice, bob, walk):
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    with pytest.raises(service.HomeworkError, match="no stages"):
        service.confirm_stage(space=space_of(bob), homework_id=walk.pk, stage=1)


def test_homework_either_ends_it_and_what_was_done_stays(alice, bob, walk):
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=TODAY())
    service.end_homework(space=space_of(bob), homework_id=walk.pk)
    walk.refresh_from_db()
    assert walk.state == HomeworkState.ENDED
    assert walk.occurrences.count() == 1
    with pytest.raises(Conflict):
        service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=TODAY())


def test_homework_from_a_session_of_ones_own_couple_only(alice, bob, carol, couple):
    from tests.factories import UserFactory, link

    session = therapy.plan_session(space=space_of(alice), planned_for=TODAY())
    homework = service.propose_homework(space=space_of(bob), text="Talk", session_id=session.pk)
    assert homework.session == session
    link(carol, UserFactory())
    with pytest.raises(NotFound):
        service.propose_homework(space=space_of(carol), text="Talk", session_id=session.pk)


def test_homework_of_another_couple_is_not_found(alice, carol, walk):
    from tests.factories import UserFactory, link

    link(carol, UserFactory())
    for action in (service.accept_homework, service.set_aside_homework, service.end_homework):
        with pytest.raises(NotFound):
            action(space=space_of(carol), homework_id=walk.pk)
    with pytest.raises(NotFound):
        service.confirm_stage(space=space_of(carol), homework_id=walk.pk, stage=1)
    walk.refresh_from_db()
    assert walk.state == HomeworkState.PROPOSED


def test_homework_every_write_pushes_the_shared_part_to_both_after_commit(
    alice, bob, couple, sent, run
):
    both = [(f"user.{alice.pk}", ("homework",)), (f"user.{bob.pk}", ("homework",))]
    homework = run(service.propose_homework, space=space_of(alice), exercise="sensate_focus")
    assert pushes(sent) == both
    for action, kwargs in (
        (service.accept_homework, {"space": space_of(bob)}),
        (service.confirm_stage, {"space": space_of(alice), "stage": 1}),
        (service.take_back_confirmation, {"space": space_of(alice), "stage": 1}),
        (service.mark_done, {"space": space_of(bob), "done_on": TODAY()}),
        (service.end_homework, {"space": space_of(alice)}),
    ):
        sent.clear()
        run(action, homework_id=homework.pk, **kwargs)
        assert pushes(sent) == both, action.__name__
