"""Each area's services ask for exactly the pushes they should, to exactly the
groups that may receive them, and only after commit."""

import datetime
import re

import pytest
from django.db import transaction

from couples.models import AlternativeActivity
from couples.services import alternatives, reflections, statements, therapy, timing
from tests.factories import space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "I am worn out.",
    "not_meaning": "Not that I do not want you.",
    "reassurance": "I love your laugh.",
    "rain_check": "",
}


def pushes(sent):
    return [(group, tuple(event["parts"])) for group, event in sent]


@pytest.fixture
def both(alice, bob):
    """A shared change: one ready frame for each partner's own devices."""

    def both(*parts):
        return [(f"user.{alice.pk}", parts), (f"user.{bob.pk}", parts)]

    return both


def test_every_statement_change_pushes_statements_to_the_couple(
    alice, bob, couple, sent, run, both
):
    statement = run(statements.add_statement, space=space_of(alice), **WORDS)
    run(
        statements.edit_statement,
        space=space_of(alice),
        statement_id=statement.pk,
        version=statement.version,
        **{**WORDS, "meaning": "Worn out, truly."},
    )
    run(statements.mark_heard, space=space_of(bob), statement_id=statement.pk)
    question = run(
        statements.ask_question, space=space_of(bob), statement_id=statement.pk, text="When?"
    )
    run(
        statements.answer_question,
        space=space_of(alice),
        question_id=question.pk,
        version=1,
        answer="Soon",
    )
    run(statements.retire_statement, space=space_of(alice), statement_id=statement.pk)
    assert pushes(sent) == both("statements") * 6
    assert [event["seq"] for _g, event in sent] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert {event["type"] for _g, event in sent} == {"frame"}


def test_an_edit_that_changes_nothing_pushes_nothing(alice, couple, sent, run):
    statement = run(statements.add_statement, space=space_of(alice), **WORDS)
    sent.clear()
    run(
        statements.edit_statement,
        space=space_of(alice),
        statement_id=statement.pk,
        version=statement.version,
        **WORDS,
    )
    assert sent == []


def test_a_timing_save_pushes_timing_to_the_couple(alice, couple, sent, run, both):
    run(timing.save_timing, space=space_of(alice), cells="u" * 35, notes="", expected_version=0)
    assert pushes(sent) == both("timing", "moment")


def test_a_failed_save_pushes_nothing(alice, couple, sent, run):
    with pytest.raises(Exception):  # noqa: B017  stale version: any refusal
        run(timing.save_timing, space=space_of(alice), cells="u" * 35, notes="", expected_version=7)
    assert sent == []


def test_private_answers_reach_only_my_devices_until_agreement_changes(
    alice, bob, couple, sent, run, both
):
    activity = AlternativeActivity.objects.filter(couple__isnull=True).first()
    run(alternatives.answer_activity, space=space_of(alice), activity_id=activity.pk, answer="no")
    run(alternatives.answer_activity, space=space_of(alice), activity_id=activity.pk, answer="yes")
    # alice's answers so far travelled only to alice's own devices
    assert pushes(sent) == [(f"user.{alice.pk}", ("my-answers",))] * 2
    sent.clear()
    run(alternatives.answer_activity, space=space_of(bob), activity_id=activity.pk, answer="yes")
    assert pushes(sent) == [*both("alternatives", "moment"), (f"user.{bob.pk}", ("my-answers",))]
    sent.clear()
    run(alternatives.withdraw_yes, space=space_of(alice), activity_id=activity.pk)
    assert pushes(sent) == [*both("alternatives", "moment"), (f"user.{alice.pk}", ("my-answers",))]
    # the shared list names nobody: both partners get the very same list (the
    # moment part beside it, which offers the list, speaks to each by name)
    alices, bobs = (
        re.search(r'<section id="alternatives".*?</section>', event["html"], re.S).group(0)
        for _g, event in sent[:2]
    )
    assert alices == bobs


def test_a_proposal_reaches_both_answer_lists_alike(alice, bob, couple, sent, run):
    run(alternatives.propose_activity, space=space_of(alice), name="Stargazing")
    assert sorted(pushes(sent)) == sorted(
        [(f"user.{alice.pk}", ("my-answers",)), (f"user.{bob.pk}", ("my-answers",))]
    )


def test_reflections_only_ever_travel_to_their_authors_devices(alice, bob, couple, sent, run):
    reflection = run(reflections.write_reflection, author=alice, body="Only mine.")
    run(
        reflections.update_reflection,
        author=alice,
        reflection_id=reflection.pk,
        version=reflection.version,
        body="Still only mine.",
    )
    run(reflections.set_bring_to_therapy, author=alice, reflection_id=reflection.pk, bring=True)
    run(reflections.delete_reflection, author=alice, reflection_id=reflection.pk)
    assert pushes(sent) == [(f"user.{alice.pk}", ("reflections",))] * 4
    assert all(not group.startswith("couple.") for group, _e in sent)


def test_agenda_changes_push_therapy_to_the_couple(alice, bob, couple, sent, run, both):
    session = run(
        therapy.plan_session,
        space=space_of(alice),
        planned_for=datetime.date.today(),
        therapist_name="",
    )
    first = run(therapy.add_topic, space=space_of(alice), session_id=session.pk, text="Mornings")
    run(therapy.add_topic, space=space_of(bob), session_id=session.pk, text="Weekends")
    run(therapy.move_topic, space=space_of(bob), topic_id=first.pk, direction="down")
    run(therapy.set_discussed, space=space_of(bob), topic_id=first.pk, discussed=True)
    run(therapy.remove_topic, space=space_of(alice), topic_id=first.pk)
    assert pushes(sent) == both("therapy") * 6


def test_a_rolled_back_statement_is_never_pushed(alice, couple, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        statements.add_statement(space=space_of(alice), **WORDS)
        raise RuntimeError
    assert sent == []
