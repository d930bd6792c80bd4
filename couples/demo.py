"""A lived-in shared space, made through the services: the one the browser
journeys, the screenshots and the benchmarks use (``manage.py demo_space``
makes it for a person trying the app)."""

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .access import current_space
from .access import get_space_for_member as space_of
from .models import AgendaTopic, AlternativeActivity, Statement, StatementQuestion, TherapySession
from .services import alternatives, linking, reflections, statements, therapy, timing

# Monday first, five parts a day: early morning, morning, afternoon, evening, late night.
# u usually open, s sometimes, r rarely, - not said.
ALICE_WEEK = ("---s-", "---s-", "---u-", "---s-", "--sus", "-uus-", "-uus-")
BOB_WEEK = ("-s-r-", "-s-r-", "-s-s-", "-s-u-", "---us", "-usu-", "susu-")


def week(days):
    cells = "".join(days)
    assert len(cells) == 35
    return cells


def person(email: str, display_name: str, password: str):
    """The person with this address, made (with a confirmed address) if new."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, display_name=display_name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def linked_pair(alice, bob):
    """Link the two the way the product does (invite, accept), if not yet."""
    if current_space(alice) is None:
        _invite, code = linking.create_invite(creator=alice)
        linking.accept_invite(user=bob, code=code)


@transaction.atomic
def furnish(alice, bob):
    """A couple a few weeks in: statements both ways, a question answered,
    both weeks marked, a few mutual yeses, a session with an agenda, and alice's
    private journal (which only she sees, on her own dashboard)."""
    mine, theirs = space_of(alice), space_of(bob)
    tired = statements.add_statement(
        space=mine,
        reason="tired",
        meaning="After a long shift my body is done, even when my heart is not.",
        not_meaning="It does not mean I find you less attractive, or that I don't want you.",
        reassurance="I love the way you hold me when I fall asleep.",
        rain_check="Ask me again on Saturday morning, coffee first.",
    )
    private = statements.add_statement(
        space=mine,
        reason="not_private",
        meaning="When the kids might still be awake I can't let go.",
        not_meaning="It is not about you or about us.",
        reassurance="I want our evenings; the door just needs to be closed.",
    )
    bobs = statements.add_statement(
        space=theirs,
        reason="closeness_first",
        meaning="I need some time together first, talking or just lying close.",
        not_meaning="It is not a test you can fail.",
        reassurance="You are the person I want to come home to.",
        rain_check="A walk together first makes a yes much likelier.",
    )
    statements.mark_heard(space=theirs, statement_id=tired.pk)
    question = statements.ask_question(
        space=theirs, statement_id=tired.pk, text="Would a back rub help on those evenings?"
    )
    statements.answer_question(
        space=mine,
        question_id=question.pk,
        version=question.version,
        answer="Often, yes.",
    )
    timing.save_timing(
        space=mine,
        cells=week(ALICE_WEEK),
        notes="A morning person at weekends.",
        expected_version=0,
    )
    timing.save_timing(
        space=theirs, cells=week(BOB_WEEK), notes="Never on work nights.", expected_version=0
    )
    for key in ("cuddling", "massage", "holding-hands", "reading-in-bed"):
        activity = AlternativeActivity.objects.get(catalogue_key=key)
        for space in (mine, theirs):
            alternatives.answer_activity(space=space, activity_id=activity.pk, answer="yes")
    session = therapy.plan_session(
        space=mine,
        planned_for=timezone.localdate() + datetime.timedelta(days=6),
        therapist_name="Dr. Rivera",
    )
    first_topic = therapy.add_topic(
        space=mine, session_id=session.pk, text="How we ask, and how we say no"
    )
    bobs_topic = therapy.add_topic(
        space=theirs,
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


@transaction.atomic
def add_history(alice, bob, count: int):
    """``count`` items of each kind of history to the pair's couple: retired
    statements, answered questions, past sessions and discussed topics (in bulk:
    the dashboard must stay the same size however long a couple's history is)."""
    space = space_of(alice)
    couple, now = space.couple, timezone.now()
    words = {
        "reason": "tired",
        "meaning": "Worn out.",
        "not_meaning": "Not about you.",
        "reassurance": "I love you.",
    }
    current = Statement.objects.filter(author=alice, couple=couple, retired_at=None).first()
    if current is None:
        current = statements.add_statement(space=space, **words)
    Statement.objects.bulk_create(
        Statement(author=alice, couple=couple, retired_at=now, **words) for _ in range(count)
    )
    StatementQuestion.objects.bulk_create(
        StatementQuestion(statement=current, asker=bob, text="Q?", answer="A.", answered_at=now)
        for _ in range(count)
    )
    today = timezone.localdate()
    TherapySession.objects.bulk_create(
        TherapySession(
            couple=couple, created_by=alice, planned_for=today - datetime.timedelta(days=n + 1)
        )
        for n in range(count)
    )
    upcoming = (
        TherapySession.objects.filter(couple=couple, planned_for__gte=today)
        .order_by("planned_for")
        .first()
    ) or therapy.plan_session(space=space, planned_for=today + datetime.timedelta(days=2))
    AgendaTopic.objects.bulk_create(
        AgendaTopic(
            session=upcoming,
            couple=couple,
            added_by=bob,
            text="Talked about",
            position=1000 + n,
            discussed_at=now,
        )
        for n in range(count)
    )
