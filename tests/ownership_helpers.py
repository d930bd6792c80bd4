"""Content with canaries, written through the real services, for the brief,
export, deletion and unlink tests. Each person's words carry their own marker so
a test can tell exactly whose text leaked where."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from couples.models import Ask
from couples.services import moment, reflections, statements, therapy, timing
from tests.factories import space_of

DAY = date.today() + timedelta(days=7)


@dataclass
class Written:
    """What one person wrote; every string here is unique to that person."""

    meaning: str
    question: str
    answer: str
    topic: str
    timing_notes: str
    flagged: str  # a reflection brought to therapy
    unflagged: str  # a reflection kept out of the brief
    statement: object = None
    session: object = None

    def shared_canaries(self):
        return [self.meaning, self.question, self.answer, self.topic, self.timing_notes]

    def private_canaries(self):
        return [self.flagged, self.unflagged]

    def all_canaries(self):
        return self.shared_canaries() + self.private_canaries()


def words_of(name):
    tag = name.upper()
    return Written(
        meaning=f"{tag}-MEANING-canary",
        question=f"{tag}-QUESTION-canary",
        answer=f"{tag}-ANSWER-canary",
        topic=f"{tag}-TOPIC-canary",
        timing_notes=f"{tag}-TIMING-canary",
        flagged=f"{tag}-FLAGGED-REFLECTION-canary",
        unflagged=f"{tag}-UNFLAGGED-REFLECTION-canary",
    )


def _statement(person, words):
    return statements.add_statement(
        space=space_of(person),
        reason="tired",
        meaning=words.meaning,
        not_meaning="Not that I find you less attractive.",
        reassurance="I love our mornings.",
        rain_check="Ask me on Saturday.",
    )


def populate(alice, bob, session=None):
    """Both partners write everything the product holds; returns (alice's, bob's)."""
    written = {alice.pk: words_of("alice"), bob.pk: words_of("bob")}
    for person in (alice, bob):
        written[person.pk].statement = _statement(person, written[person.pk])
    for person, partner in ((alice, bob), (bob, alice)):
        mine, theirs = written[person.pk], written[partner.pk]
        question = statements.ask_question(
            space=space_of(person), statement_id=theirs.statement.pk, text=mine.question
        )
        statements.answer_question(
            space=space_of(partner), question_id=question.pk, version=1, answer=theirs.answer
        )
    if session is None:
        session = therapy.plan_session(
            space=space_of(alice), planned_for=DAY, therapist_name="Dr. Reyes"
        )
    for person in (alice, bob):
        words = written[person.pk]
        words.session = session
        therapy.add_topic(space=space_of(person), session_id=session.pk, text=words.topic)
        cells = "u" * 10 + "s" * 10 + "r" * 5 + "-" * 10
        timing.save_timing(
            space=space_of(person), cells=cells, notes=words.timing_notes, expected_version=0
        )
        reflections.write_reflection(author=person, body=words.flagged, bring_to_therapy=True)
        reflections.write_reflection(author=person, body=words.unflagged, bring_to_therapy=False)
    return written[alice.pk], written[bob.pk]


# --- the moment -------------------------------------------------------------------


@dataclass
class MomentWritten:
    """What one person wrote in the moment; every string is unique to that person.

    ``declined``, ``said_yes``, ``ended`` and ``withdrawn`` are the words of four
    asks of theirs, asked alike (closeness, now) so that only how the partner
    answered them tells them apart; the card is their own decline of the
    partner's ask, with a one-off reason (no statement)."""

    declined: str
    said_yes: str
    ended: str
    withdrawn: str
    acknowledgement: str
    reason: str
    not_meaning: str
    love: str
    asks: dict = None  # the four asks, by the names above
    card: object = None  # their AskAnswer declining the partner's ask
    yes: object = None  # their AskAnswer saying yes to the partner's ask
    rain_check: object = None  # offered with their card

    def ask_canaries(self):
        return [self.declined, self.said_yes, self.ended, self.withdrawn]

    def card_canaries(self):
        return [self.acknowledgement, self.reason, self.not_meaning, self.love]

    def canaries(self):
        return self.ask_canaries() + self.card_canaries()


def moment_words_of(name):
    tag = name.upper()
    return MomentWritten(
        declined=f"{tag}-ASK-DECLINED-canary",
        said_yes=f"{tag}-ASK-YES-canary",
        ended=f"{tag}-ASK-ENDED-canary",
        withdrawn=f"{tag}-ASK-WITHDRAWN-canary",
        acknowledgement=f"{tag}-CARD-ACK-canary",
        reason=f"{tag}-CARD-REASON-canary",
        not_meaning=f"{tag}-CARD-NOT-MEANING-canary",
        love=f"{tag}-CARD-LOVE-canary",
    )


def slot_ahead(days=3, part="morning"):
    """A slot key still ahead (a day and part of it)."""
    return f"{(timezone.localdate() + timedelta(days=days)).isoformat()}:{part}"


def _ask(person, words):
    return moment.ask(space=space_of(person), kind="closeness", when="now", words=words)


def _card(person, words, rain_check):
    return moment.clean_card(
        space_of(person),
        acknowledgement=words.acknowledgement,
        reason=words.reason,
        not_meaning=words.not_meaning,
        love=words.love,
        rain_check=rain_check,
        note_for_me=True,
    )


def end_window(ask):
    """Let an open ask's window pass (it ends quietly at the couple's next ask)."""
    Ask.objects.filter(pk=ask.pk).update(ends_at=timezone.now() - timedelta(minutes=1))


def populate_moment(alice, bob):
    """Through the real services, each asks four times (one declined with a
    card and a rain check, one said yes to, one left to end, one withdrawn) and
    answers the other twice; returns (alice's, bob's) ``MomentWritten``."""
    written = {alice.pk: moment_words_of("alice"), bob.pk: moment_words_of("bob")}
    for person in (alice, bob):
        written[person.pk].asks = {}
    rain_checks = {alice.pk: "come", bob.pk: slot_ahead()}
    for asker, answerer in ((alice, bob), (bob, alice)):
        mine, theirs = written[asker.pk], written[answerer.pk]
        declined = _ask(asker, mine.declined)
        theirs.card = moment.decline(
            space=space_of(answerer),
            ask_id=declined.pk,
            card=_card(answerer, theirs, rain_checks[answerer.pk]),
        )
        theirs.rain_check = theirs.card.rain_checks.get()
        moment.reply(space=space_of(asker), ask_id=declined.pk, reply="thanks")
        mine.asks["declined"] = declined
    for asker, answerer in ((alice, bob), (bob, alice)):
        said_yes = _ask(asker, written[asker.pk].said_yes)
        written[answerer.pk].yes = moment.answer_yes(space=space_of(answerer), ask_id=said_yes.pk)
        written[asker.pk].asks["said_yes"] = said_yes
    for person in (alice, bob):
        ended = _ask(person, written[person.pk].ended)
        end_window(ended)
        written[person.pk].asks["ended"] = ended
    for person in (alice, bob):
        withdrawn = _ask(person, written[person.pk].withdrawn)  # ends the ended ones
        moment.withdraw(space=space_of(person), ask_id=withdrawn.pk)
        written[person.pk].asks["withdrawn"] = withdrawn
    for words in written.values():
        for name, item in words.asks.items():
            item.refresh_from_db()
            words.asks[name] = item
    return written[alice.pk], written[bob.pk]
