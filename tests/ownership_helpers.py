"""Content with canaries, written through the real services, for the brief,
export, deletion and unlink tests. Each person's words carry their own marker so
a test can tell exactly whose text leaked where."""

from dataclasses import dataclass
from datetime import date, timedelta

from couples.services import reflections, statements, therapy, timing
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
