"""The world every attack test runs in, and the canaries planted in it.

Four roles: ``anonymous``; ``owner`` (alice, who owns the planted things);
``partner`` (bob, linked with alice); ``outsider`` (carol, linked with dave: a
stranger with a space of her own, so her own ids are valid and only
object-level checks stop her from reaching alice's).

To make a new kind of content join the suite, add a *planter* below: it creates
alice's object (and, for IDOR tests, the same kind of object for the stranger
carol), registers them by name, and returns the canaries planted in them with
the roles allowed to see each one. The URL table (``url_table.py``) then builds
URLs from ``world.objects[<name>]`` (alice's) and ``world.foreign[<name>]``
(carol's).
"""

from dataclasses import dataclass, field

from tests.factories import UserFactory, link, space_of

# "therapist": no account, holding the working therapist link to alice and bob's
# session brief (therapy_area). Everywhere else they are anonymous.
ROLES = ("anonymous", "owner", "partner", "outsider", "therapist")
EVERYONE = frozenset(ROLES)
COUPLE = frozenset({"owner", "partner"})
# Shared between the two, and in the shared brief: the therapist's copy holds it.
IN_SHARED_BRIEF = COUPLE | {"therapist"}
OWNER_ONLY = frozenset({"owner"})
PARTNER_ONLY = frozenset({"partner"})  # bob's own private things (e.g. his reflection)


@dataclass(frozen=True)
class Canary:
    """A string planted in alice's data; only ``visible_to`` roles may receive it."""

    text: str
    visible_to: frozenset
    what: str


@dataclass
class World:
    alice: object
    bob: object
    carol: object
    dave: object
    couple: object
    carol_couple: object
    objects: dict = field(default_factory=dict)  # name -> alice's object
    foreign: dict = field(default_factory=dict)  # name -> the stranger carol's object
    canaries: list = field(default_factory=list)
    # role -> the therapist-link token that role holds (only "therapist"'s works).
    therapist_tokens: dict = field(default_factory=dict)

    def user(self, role):
        return {
            "anonymous": None,
            "therapist": None,
            "owner": self.alice,
            "partner": self.bob,
            "outsider": self.carol,
        }[role]

    def hidden_from(self, role):
        return [c for c in self.canaries if role not in c.visible_to]


PLANTERS = []


def planter(fn):
    """Register ``fn(world) -> iterable of Canary``; it may fill world.objects/foreign."""
    PLANTERS.append(fn)
    return fn


@planter
def alice_account(world):
    # Her display name is shown to her partner (that is its purpose), never to a stranger.
    yield Canary(world.alice.display_name, IN_SHARED_BRIEF, "alice's display name")
    # Her sign-in address is hers alone: her partner never needs it.
    yield Canary(world.alice.email, OWNER_ONLY, "alice's email address")


# --- The areas ---------------------------------------------------------------------
# Each planter creates alice's things (and the stranger carol's, for IDOR) through
# the real services, and returns canaries: COUPLE for what is shared with bob,
# OWNER_ONLY for what is alice's alone.


def _statement(author, tag, **extra):
    from couples.services import statements

    return statements.add_statement(
        space=space_of(author),
        reason="tired",
        meaning=f"{tag} meaning",
        not_meaning=f"{tag} not-meaning",
        reassurance=f"{tag} reassurance",
        rain_check=f"{tag} rain-check",
        **extra,
    )


@planter
def statements_area(world):
    from couples.services import statements

    shared = _statement(world.alice, "Stm7-shared-canary")
    retired = _statement(world.alice, "Stm7-retired-canary")
    statements.retire_statement(space=space_of(world.alice), statement_id=retired.pk)
    bobs = _statement(world.bob, "Stm7-bobs")
    question = statements.ask_question(
        space=space_of(world.alice), statement_id=bobs.pk, text="Qst7-alices-question-canary"
    )
    world.objects.update(statement=shared, retired_statement=retired, bobs_statement=bobs)
    world.objects["question"] = question
    # The stranger's: carol's statement, and carol's question on dave's.
    carols = _statement(world.carol, "Stm7-carols")
    daves = _statement(world.dave, "Stm7-daves")
    carols_question = statements.ask_question(
        space=space_of(world.carol), statement_id=daves.pk, text="carol asks dave"
    )
    daves_question = statements.ask_question(
        space=space_of(world.dave), statement_id=carols.pk, text="dave asks carol"
    )
    world.foreign.update(
        statement=carols,
        daves_statement=daves,
        question=carols_question,
        question_to_carol=daves_question,
    )
    yield Canary("Stm7-shared-canary meaning", IN_SHARED_BRIEF, "alice's statement")
    yield Canary("Stm7-shared-canary reassurance", IN_SHARED_BRIEF, "alice's statement reassurance")
    # A retired statement's text stays with its author.
    yield Canary("Stm7-retired-canary meaning", OWNER_ONLY, "alice's retired statement")
    yield Canary("Qst7-alices-question-canary", COUPLE, "alice's question to bob")


@planter
def timing_area(world):
    from couples.domain.overlap import EMPTY_GRID
    from couples.services import timing

    cells = EMPTY_GRID
    timing.save_timing(
        space=space_of(world.alice), cells=cells, notes="Tmg7-notes-canary", expected_version=0
    )
    timing.save_timing(
        space=space_of(world.carol), cells=cells, notes="carol's notes", expected_version=0
    )
    yield Canary("Tmg7-notes-canary", COUPLE, "alice's timing notes")


@planter
def alternatives_area(world):
    from couples.models import AlternativeActivity
    from couples.services import alternatives

    proposal = alternatives.propose_activity(
        space=space_of(world.alice), name="Alt7 proposal canary"
    )
    catalogue = list(AlternativeActivity.objects.filter(couple__isnull=True).order_by("position"))
    world.objects["alternative"] = proposal
    world.objects["catalogue"] = catalogue
    # Her private answers: no, maybe, and one left unanswered. Bob never learns them
    # (tests/security/test_private_answers.py proves no trace).
    alternatives.answer_activity(space=space_of(world.alice), activity_id=proposal.pk, answer="no")
    if catalogue:
        alternatives.answer_activity(
            space=space_of(world.alice), activity_id=catalogue[0].pk, answer="maybe"
        )
    world.foreign["alternative"] = alternatives.propose_activity(
        space=space_of(world.carol), name="Carol's own idea"
    )
    # A proposal is shared in the couple (bob answers it too); its author is never shown.
    yield Canary("Alt7 proposal canary", COUPLE, "alice's proposed alternative")


REFLECTION_CANARIES = {
    "body": "Rfl7-body-canary",
    "need_note": "Rfl7-need-note-canary",
    "old_story_note": "Rfl7-old-story-canary",
    "what_i_heard": "Rfl7-heard-canary",
    "what_was_said": "Rfl7-said-canary",
    "tags": "rfl7tagcanary",
}


def _reflection(author, texts, *, bring=True):
    from couples.services import reflections

    return reflections.write_reflection(
        author=author,
        need="",
        old_story="",
        bring_to_therapy=bring,
        **texts,
    )


@planter
def reflections_area(world):
    world.objects["reflection"] = _reflection(world.alice, REFLECTION_CANARIES)
    world.foreign["reflection"] = _reflection(
        world.carol, {"body": "carol's own reflection", "tags": "carols"}
    )
    for field_name, text in REFLECTION_CANARIES.items():
        yield Canary(text, OWNER_ONLY, f"alice's reflection {field_name}")
    # bob's own journal: he sees it (his /parts/reflections/ is HIS view), alice never.
    _reflection(world.bob, {"body": "Rfl7-bobs-own-canary"})
    yield Canary("Rfl7-bobs-own-canary", PARTNER_ONLY, "bob's reflection")


@planter
def therapy_area(world):
    import datetime

    from couples.services import therapy

    day = datetime.date.today() + datetime.timedelta(days=7)
    session = therapy.plan_session(
        space=space_of(world.alice), planned_for=day, therapist_name="Thr7 Canary"
    )
    topic = therapy.add_topic(
        space=space_of(world.alice),
        session_id=session.pk,
        text="Tpc7-topic-canary",
        note="Tpc7-note-canary",
    )
    therapy.add_topic(space=space_of(world.bob), session_id=session.pk, text="bob's topic")
    world.objects.update(therapy_session=session, topic=topic)
    carols = therapy.plan_session(
        space=space_of(world.carol), planned_for=day, therapist_name="Dr Other"
    )
    world.foreign.update(
        therapy_session=carols,
        topic=therapy.add_topic(
            space=space_of(world.carol), session_id=carols.pk, text="carol's topic"
        ),
    )
    yield Canary("Thr7 Canary", IN_SHARED_BRIEF, "the couple's therapist name")
    yield Canary("Tpc7-topic-canary", IN_SHARED_BRIEF, "alice's agenda topic")
    yield Canary("Tpc7-note-canary", IN_SHARED_BRIEF, "alice's agenda topic note")
    yield from _therapist_links(world, session, carols)


def _therapist_links(world, session, carols):
    """The working link (both agreed) the therapist role holds, and for every
    other role one that does not work: unknown, waiting for bob, revoked, expired.
    Bob added one of his reflections to the working copy; alice added none of hers
    (her flagged reflection must never reach the therapist)."""
    import datetime

    from django.utils import timezone

    from couples.models import TherapistLink
    from couples.services import reflections, therapy

    alice, bob = space_of(world.alice), space_of(world.bob)

    def made(by=alice, **extra):
        return therapy.create_therapist_link(
            space=by, session_id=session.pk, therapist_name="Thr7 Canary", **extra
        )

    link, token = made()
    therapy.consent_to_therapist_link(space=bob, link_id=link.pk)
    picked = reflections.write_reflection(
        author=world.bob, body="Rfl7-bobs-picked-canary", bring_to_therapy=True
    )
    therapy.set_therapist_picks(space=bob, link_id=link.pk, reflection_ids=[picked.pk])
    _, waiting = made()
    revoked, revoked_token = made()
    therapy.consent_to_therapist_link(space=bob, link_id=revoked.pk)
    therapy.revoke_therapist_link(space=bob, link_id=revoked.pk)
    expired, expired_token = made()
    therapy.consent_to_therapist_link(space=bob, link_id=expired.pk)
    TherapistLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    carols_link, _ = therapy.create_therapist_link(
        space=space_of(world.carol), session_id=carols.pk, therapist_name="Dr Other"
    )
    therapy.consent_to_therapist_link(space=space_of(world.dave), link_id=carols_link.pk)
    world.objects.update(therapist_link=link, therapist_token=token)
    world.foreign.update(therapist_link=carols_link)
    world.therapist_tokens = {
        "therapist": token,
        "anonymous": "Unknown7" + "x" * 35,
        "owner": waiting,
        "partner": revoked_token,
        "outsider": expired_token,
    }
    yield Canary(
        "Rfl7-bobs-picked-canary", PARTNER_ONLY | {"therapist"}, "bob's pick for the therapist"
    )


HOMEWORK_CANARIES = ("Hmw7-homework-text-canary", "Hmw7-homework-note-canary")


def _homework(proposer, accepter, text, note):
    import datetime

    from couples.services import homework

    made = homework.propose_homework(space=space_of(proposer), exercise="sensate_focus", text=text)
    homework.accept_homework(space=space_of(accepter), homework_id=made.pk)
    time = homework.mark_done(
        space=space_of(proposer), homework_id=made.pk, done_on=datetime.date.today(), note=note
    )
    return made, time


@planter
def homework_area(world):
    world.objects["homework"], world.objects["homework_time"] = _homework(
        world.alice, world.bob, *HOMEWORK_CANARIES
    )
    world.foreign["homework"], world.foreign["homework_time"] = _homework(
        world.carol, world.dave, "carol's homework", "carol's note"
    )
    yield Canary(HOMEWORK_CANARIES[0], IN_SHARED_BRIEF, "the couple's homework, alice's words")
    yield Canary(HOMEWORK_CANARIES[1], IN_SHARED_BRIEF, "alice's note on a time she did it")


MOMENT_CARD_CANARIES = {
    "acknowledgement": "Mmt7-acknowledgement-canary",
    "reason": "Mmt7-reason-canary",
    "not_meaning": "Mmt7-not-meaning-canary",
    "love": "Mmt7-love-canary",
}
# alice's private note on her own rain check, once its time has come (static
# words: bob has no rain check of his own here, so they can only be hers).
MOMENT_DUE_NOTE = "the time you offered. Only you see this note."


def slot_ahead(days=1, part="morning"):
    import datetime

    from django.utils import timezone

    return f"{(timezone.localdate() + datetime.timedelta(days=days)).isoformat()}:{part}"


def _decline(space, ask, **card):
    from couples.services import moment

    return moment.decline(space=space, ask_id=ask.pk, card=moment.clean_card(space, **card))


@planter
def moment_area(world):
    """bob asked and alice said "not now" with a card in her own words and a rain
    check she owns (its time has come: her private note shows, to her alone);
    then alice asked, and her ask is open. Ownership follows authorship: the
    card and the rain check are alice's, the answered ask is bob's (he replies,
    she puts his reply away). Everything is shared in the couple, nothing with
    a stranger. carol's couple has the same: her open ask, dave's ask she
    declined, her rain check."""
    import datetime

    from django.utils import timezone

    from couples.models import RainCheck
    from couples.services import moment

    alice, bob = space_of(world.alice), space_of(world.bob)
    bobs = moment.ask(space=bob, kind="closeness", when="now", words="bob would love closeness")
    answer = _decline(
        alice, bobs, **MOMENT_CARD_CANARIES, rain_check=slot_ahead(), note_for_me=True
    )
    rain_check = answer.rain_checks.get()
    # Time passes: the time she offered has come (a past slot, still open).
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RainCheck.objects.filter(pk=rain_check.pk).update(day=yesterday)
    rain_check.refresh_from_db()
    open_ask = moment.ask(
        space=alice, kind="closeness", when="now", words="Mmt7-open-ask-words-canary"
    )
    world.objects.update(ask=open_ask, answered_ask=bobs, rain_check=rain_check)

    carol, dave = space_of(world.carol), space_of(world.dave)
    daves = moment.ask(space=dave, kind="closeness", when="now", words="dave asks carol")
    carols_answer = _decline(carol, daves, reason="Mmt7-carols-card", rain_check="come")
    world.foreign.update(
        ask=moment.ask(space=carol, kind="sex", when="tonight", words="carol asks dave"),
        answered_ask=daves,
        rain_check=carols_answer.rain_checks.get(),
    )
    yield Canary("Mmt7-open-ask-words-canary", COUPLE, "alice's open ask, her words")
    for piece, text in MOMENT_CARD_CANARIES.items():
        yield Canary(text, COUPLE, f"alice's decline card ({piece})")
    yield Canary(MOMENT_DUE_NOTE, OWNER_ONLY, "alice's private note on her own rain check")


DEVICE_LABEL = "Qz7-device-label-canary"


def _push_device(person, label):
    from allauth.usersessions.models import UserSession

    from couples.models import PushDevice

    session = UserSession.objects.create(
        user=person, session_key=f"world-{person.pk}-push", ip="127.0.0.1", user_agent="test"
    )
    return PushDevice.objects.create(
        person=person,
        session=session,
        endpoint=f"https://fcm.googleapis.com/fcm/send/world-{person.pk}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        label=label,
    )


@planter
def notifications_area(world):
    world.objects["push_device"] = _push_device(world.alice, DEVICE_LABEL)
    world.foreign["push_device"] = _push_device(world.carol, "Carol's browser")
    yield Canary(DEVICE_LABEL, OWNER_ONLY, "alice's own list of devices")


PASSKEY_NAME = "Qz7-passkey-name-canary"


@planter
def mfa_area(world):
    from tests.mfa_support import add_passkey

    world.objects["passkey"] = add_passkey(world.alice, PASSKEY_NAME)
    world.foreign["passkey"] = add_passkey(world.carol, "Carol's key")
    yield Canary(PASSKEY_NAME, OWNER_ONLY, "the name of alice's passkey")


# alice chose to share every part of her own patterns; bob has not chosen, so
# no couple view exists: nothing of her summary may reach bob (or anyone but
# her: her own preview on the sharing page). carol shares hers with dave.
PATTERN_SUMMARY_CANARIES = (
    "When I say not now, it is most often because",
    "Of the rain checks I offered",
)


@planter
def patterns_area(world):
    from couples.models import PatternSharing
    from couples.services import patterns

    patterns.choose_sharing(
        space=space_of(world.alice), parts=["reasons", "week", "rain_checks", "asks"]
    )
    patterns.choose_sharing(space=space_of(world.carol), parts=["asks"])
    world.objects["pattern_sharing"] = PatternSharing.objects.get(person=world.alice)
    world.foreign["pattern_sharing"] = PatternSharing.objects.get(person=world.carol)
    for text in PATTERN_SUMMARY_CANARIES:
        yield Canary(text, OWNER_ONLY, "alice's shared summary while only she chose to share")


@planter
def checkin_area(world):
    """Alice's and bob's entries of this week's check-in, and a past week's
    (readable at its own URL); carol's own, for the IDOR tests. Shared: in the
    session brief and so in the therapist's copy too."""
    import datetime

    from couples.models import CheckIn
    from couples.services import checkins

    alice, bob, carol = (space_of(p) for p in (world.alice, world.bob, world.carol))
    checkins.add_appreciation(space=alice, text="Ckn7-past-appreciation-canary")
    past = CheckIn.objects.get(couple=world.couple)
    past.week_start -= datetime.timedelta(days=7)
    past.save()
    world.objects["past_checkin"] = past
    world.objects["appreciation"] = checkins.add_appreciation(
        space=alice, text="Ckn7-appreciation-canary"
    )
    checkins.save_went_well(space=alice, text="Ckn7-went-well-canary")
    world.objects["checkin_entry"] = checkins.save_topic(space=alice, text="Ckn7-topic-canary")
    checkins.add_appreciation(space=bob, text="bob's appreciation")
    world.foreign["appreciation"] = checkins.add_appreciation(space=carol, text="carol's")
    world.foreign["checkin_entry"] = checkins.save_topic(space=carol, text="carol's topic")
    yield Canary("Ckn7-past-appreciation-canary", IN_SHARED_BRIEF, "alice's past check-in")
    yield Canary("Ckn7-appreciation-canary", IN_SHARED_BRIEF, "alice's appreciation")
    yield Canary("Ckn7-went-well-canary", IN_SHARED_BRIEF, "alice's what went well")
    yield Canary("Ckn7-topic-canary", IN_SHARED_BRIEF, "alice's check-in topic")


def build_world():
    alice = UserFactory(email="alice.qz7canary@example.com", display_name="Alice Qz7-canary")
    bob = UserFactory(email="bob.security@example.com", display_name="Bob")
    carol = UserFactory(email="carol.security@example.com", display_name="Carol")
    dave = UserFactory(email="dave.security@example.com", display_name="Dave")
    world = World(
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        couple=link(alice, bob),
        carol_couple=link(carol, dave),
    )
    for plant in PLANTERS:
        world.canaries.extend(plant(world) or ())
    return world
