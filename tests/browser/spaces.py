"""A lived-in shared space for journeys and screenshots, made through the services."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from couples.models import AlternativeActivity
from couples.services import alternatives, reflections, statements, therapy, timing
from tests.factories import space_of

# Monday first, five parts a day: early morning, morning, afternoon, evening, late night.
# u usually open, s sometimes, r rarely, - not said.
ALICE_WEEK = ("---s-", "---s-", "---u-", "---s-", "--sus", "-uus-", "-uus-")
BOB_WEEK = ("-s-r-", "-s-r-", "-s-s-", "-s-u-", "---us", "-usu-", "susu-")


def week(days):
    cells = "".join(days)
    assert len(cells) == 35
    return cells


def furnish(alice, bob):
    """A couple a few weeks in: statements both ways, a question answered,
    both weeks marked, a few mutual yeses, a session with an agenda, and alice's
    private journal (which only she sees, on her own dashboard)."""
    tired = statements.add_statement(
        space=space_of(alice),
        reason="tired",
        meaning="After a long shift my body is done, even when my heart is not.",
        not_meaning="It does not mean I find you less attractive, or that I don't want you.",
        reassurance="I love the way you hold me when I fall asleep.",
        rain_check="Ask me again on Saturday morning, coffee first.",
    )
    private = statements.add_statement(
        space=space_of(alice),
        reason="not_private",
        meaning="When the kids might still be awake I can't let go.",
        not_meaning="It is not about you or about us.",
        reassurance="I want our evenings; the door just needs to be closed.",
    )
    bobs = statements.add_statement(
        space=space_of(bob),
        reason="closeness_first",
        meaning="I need some time together first, talking or just lying close.",
        not_meaning="It is not a test you can fail.",
        reassurance="You are the person I want to come home to.",
        rain_check="A walk together first makes a yes much likelier.",
    )
    statements.mark_heard(space=space_of(bob), statement_id=tired.pk)
    question = statements.ask_question(
        space=space_of(bob), statement_id=tired.pk, text="Would a back rub help on those evenings?"
    )
    statements.answer_question(
        space=space_of(alice),
        question_id=question.pk,
        version=question.version,
        answer="Often, yes.",
    )
    timing.save_timing(
        space=space_of(alice),
        cells=week(ALICE_WEEK),
        notes="A morning person at weekends.",
        expected_version=0,
    )
    timing.save_timing(
        space=space_of(bob), cells=week(BOB_WEEK), notes="Never on work nights.", expected_version=0
    )
    for key in ("cuddling", "massage", "holding-hands", "reading-in-bed"):
        activity = AlternativeActivity.objects.get(catalogue_key=key)
        for person in (alice, bob):
            alternatives.answer_activity(
                space=space_of(person), activity_id=activity.pk, answer="yes"
            )
    session = therapy.plan_session(
        space=space_of(alice),
        planned_for=timezone.localdate() + datetime.timedelta(days=6),
        therapist_name="Dr. Rivera",
    )
    first_topic = therapy.add_topic(
        space=space_of(alice), session_id=session.pk, text="How we ask, and how we say no"
    )
    bobs_topic = therapy.add_topic(
        space=space_of(bob),
        session_id=session.pk,
        text="Weeknights vs weekends",
        note="What would make weeknights easier?",
    )
    reflection = reflections.write_reflection(
        author=alice,
        need="closeness",
        what_i_heard="That I was asking for too much.",
        what_was_said="I'm exhausted, can we just cuddle?",
        body="Writing it down, the words were about tonight, not about me.",
        tags="tuesday",
    )
    return SimpleNamespace(
        statement=tired,
        second_statement=private,
        partner_statement=bobs,
        question=question,
        session=session,
        topics=[first_topic, bobs_topic],
        reflection=reflection,
    )
