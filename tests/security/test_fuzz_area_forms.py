"""Fuzzed input on every area's forms: never a server error, and no payload is
ever echoed unescaped, neither in the answer to the sender nor where the saved
text is shown (the partner's part, the owner's journal).

Each test builds one world; its examples run one after another in that test's
transaction (what one example saved stays saved, so later pages render it).
"""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.reauth import SESSION_KEY
from couples.forms.moment import CardForm
from couples.forms.reflections import ReflectionForm

from .harness import client_for, send
from .test_fuzz_forms import HUGE, check, fuzz_text
from .world import build_world

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
fuzz_number = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), fuzz_text)
XSS = "<script>alert(1)</script>"


@pytest.fixture
def world():
    return build_world()


def post_both_ways(user, path, data):
    """The form as a plain POST and as htmx; every answer checked."""
    client = client_for(user)
    for htmx in (False, True):
        check(send(client, "POST", path, data=data, htmx=htmx))


def shown_to(user, *paths):
    client = client_for(user)
    for path in paths:
        for htmx in (False, True):
            check(send(client, "GET", path, htmx=htmx))


@FUZZ
@given(reason=fuzz_text, meaning=fuzz_text, not_meaning=fuzz_text, reassurance=fuzz_text)
@example(reason="tired", meaning=XSS, not_meaning=XSS, reassurance=XSS)
@example(reason="tired", meaning=HUGE, not_meaning="x", reassurance="y")
def test_statement_fields(reason, meaning, not_meaning, reassurance, world):
    data = {
        "reason": reason,
        "meaning": meaning,
        "not_meaning": not_meaning,
        "reassurance": reassurance,
        "rain_check": meaning,
    }
    post_both_ways(world.alice, "/statements/new/", data)
    statement = world.objects["statement"]
    post_both_ways(
        world.alice,
        f"/statements/{statement.pk}/edit/",
        {**data, "reason": "tired", "version": reassurance},
    )
    shown_to(world.bob, "/parts/statements/", f"/statements/{statement.pk}/history/")


@FUZZ
@given(text=fuzz_text, answer=fuzz_text, version=fuzz_number)
@example(text=XSS, answer=XSS, version="1")
def test_statement_question_and_answer(text, answer, version, world):
    statement, question = world.objects["statement"], world.objects["question"]
    post_both_ways(world.bob, f"/statements/{statement.pk}/questions/", {"text": text})
    post_both_ways(
        world.bob,
        f"/statements/questions/{question.pk}/answer/",
        {"answer": answer, "version": version},
    )
    shown_to(world.alice, "/parts/statements/")
    shown_to(world.bob, "/parts/statements/")


@FUZZ
@given(cell=fuzz_text, notes=fuzz_text, version=fuzz_number)
@example(cell="u", notes=XSS, version="1")
@example(cell="u", notes=HUGE, version="1")
def test_timing_cells_and_notes(cell, notes, version, world):
    from couples.forms.timing import TimingGridForm

    fields = [name for name in TimingGridForm().fields if name not in {"version", "notes"}]
    data = dict.fromkeys(fields, "-")
    data.update({fields[0]: cell, fields[-1]: cell, "notes": notes, "version": version})
    post_both_ways(world.alice, "/timing/", data)
    shown_to(world.bob, "/parts/timing/")


@FUZZ
@given(name=fuzz_text, answer=fuzz_text, field_suffix=st.sampled_from(["", "x", "-answer"]))
@example(name=XSS, answer="yes", field_suffix="")
@example(name=HUGE, answer=XSS, field_suffix="")
def test_alternative_proposal_name_and_answer_values(name, answer, field_suffix, world):
    activity = world.objects["alternative"]
    post_both_ways(world.alice, "/alternatives/propose/", {"name": name})
    post_both_ways(
        world.bob,
        f"/alternatives/{activity.pk}/answer/",
        {f"a{activity.pk}-answer": answer, f"a{activity.pk}{field_suffix}": answer},
    )
    shown_to(world.bob, "/parts/my-answers/", "/parts/alternatives/")


REFLECTION_FIELDS = tuple(ReflectionForm._meta.fields)


@FUZZ
@given(values=st.fixed_dictionaries({name: fuzz_text for name in REFLECTION_FIELDS}))
@example(values=dict.fromkeys(REFLECTION_FIELDS, XSS))
@example(values={**dict.fromkeys(REFLECTION_FIELDS, "a"), "tags": HUGE, "body": HUGE})
@example(values={**dict.fromkeys(REFLECTION_FIELDS, ""), "tags": ",,<b>,,x" * 50})
def test_reflection_fields_and_tags(values, world):
    reflection = world.objects["reflection"]
    post_both_ways(world.alice, "/reflections/new/", values)
    post_both_ways(
        world.alice,
        f"/reflections/{reflection.pk}/edit/",
        {**values, "version": values["body"]},
    )
    post_both_ways(
        world.alice,
        f"/reflections/{reflection.pk}/therapy/",
        {"bring": values["need"], "back": values["tags"]},
    )
    shown_to(world.alice, "/reflections/", "/parts/reflections/")


@FUZZ
@given(values=st.fixed_dictionaries({name: fuzz_text for name in REFLECTION_FIELDS}))
@example(values=dict.fromkeys(REFLECTION_FIELDS, XSS))
def test_a_lapsed_reflection_post_is_kept_in_hidden_fields_escaped(values, world):
    """After idleness the confirm page keeps what was sent, as hidden fields."""
    client = client_for(world.alice)
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()
    for htmx in (False, True):
        check(send(client, "POST", "/reflections/new/", data=values, htmx=htmx))


@FUZZ
@given(day=fuzz_text, therapist=fuzz_text, text=fuzz_text, note=fuzz_text, choice=fuzz_text)
@example(day="2030-01-01", therapist=XSS, text=XSS, note=XSS, choice=XSS)
@example(day="9999-12-31", therapist=HUGE, text=HUGE, note=HUGE, choice="up")
def test_therapy_session_and_agenda_fields(day, therapist, text, note, choice, world):
    session, topic = world.objects["therapy_session"], world.objects["topic"]
    post_both_ways(world.alice, "/therapy/", {"planned_for": day, "therapist_name": therapist})
    post_both_ways(
        world.bob,
        f"/therapy/{session.pk}/edit/",
        {"planned_for": day, "therapist_name": therapist, "version": choice, "back": choice},
    )
    post_both_ways(world.bob, f"/therapy/{session.pk}/topics/", {"text": text, "note": note})
    post_both_ways(world.alice, f"/therapy/topics/{topic.pk}/move/", {"direction": choice})
    post_both_ways(world.bob, f"/therapy/topics/{topic.pk}/discussed/", {"discussed": choice})
    shown_to(world.alice, "/parts/therapy/", f"/therapy/{session.pk}/")


@FUZZ
@given(password=fuzz_text, next_url=fuzz_text)
@example(password=XSS, next_url='"><script>alert(1)</script>')
@example(password=HUGE, next_url="javascript:alert(1)")
def test_confirm_password(password, next_url, world):
    client = client_for(world.bob)
    for htmx in (False, True):
        response = send(
            client,
            "POST",
            "/accounts/confirm-password/",
            data={"reauth_password": password, "next": next_url},
            htmx=htmx,
        )
        check(response)
        location = response.get("Location", "")
        assert not location.startswith(("javascript:", "//", "http")), location
    check(send(client, "GET", "/accounts/confirm-password/?next=" + next_url[:500]))


# --- The moment ---------------------------------------------------------------------
# world.py: alice's ask is open; bob's ask was declined by alice (her card, her
# rain check); bob has no open ask, so his first valid ask is sent.


@FUZZ
@given(kind=fuzz_text, when=fuzz_text, slot=fuzz_text, words=fuzz_text)
@example(kind="closeness", when="now", slot="", words=XSS)
@example(kind="sex", when="slot", slot=XSS, words=HUGE)
@example(kind=XSS, when=XSS, slot="2030-01-01:late", words="x")
def test_moment_ask_fields(kind, when, slot, words, world):
    data = {
        "ask-kind": kind,
        "ask-when": when,
        "ask-slot": slot,
        "ask-words": words,
        "ask-activity": slot,
    }
    post_both_ways(world.bob, "/moment/ask/", data)
    shown_to(world.alice, "/parts/moment/", "/")
    shown_to(world.bob, "/parts/moment/")


@FUZZ
@given(choice=fuzz_text, text=fuzz_text, activity=fuzz_number)
@example(choice="talk", text=XSS, activity="")
@example(choice="talk", text=HUGE, activity="")
@example(choice="something_else", text="", activity=XSS)
def test_moment_answer_fields(choice, text, activity, world):
    ask = world.objects["ask"]
    data = {"answer": choice, "text": text, "activity": activity}
    post_both_ways(world.bob, f"/moment/asks/{ask.pk}/answer/", data)
    shown_to(world.alice, "/parts/moment/", "/parts/therapy/")
    shown_to(world.bob, "/parts/moment/")


CARD_FIELDS = tuple(CardForm.base_fields)


@FUZZ
@given(
    values=st.fixed_dictionaries({name: fuzz_text for name in CARD_FIELDS}),
    action=st.sampled_from(["preview", "send", "use", ""]),
)
@example(values=dict.fromkeys(CARD_FIELDS, XSS), action="use")
@example(values={**dict.fromkeys(CARD_FIELDS, ""), "reason": XSS, "love": XSS}, action="preview")
@example(
    values={**dict.fromkeys(CARD_FIELDS, ""), "acknowledgement": XSS, "not_meaning": XSS},
    action="send",
)
@example(values={**dict.fromkeys(CARD_FIELDS, ""), "reason": HUGE}, action="send")
def test_moment_decline_card_fields(values, action, world):
    path = f"/moment/asks/{world.objects['ask'].pk}/decline/"
    post_both_ways(world.bob, path, {**values, "action": action})
    shown_to(world.bob, path + "?" + urlencode({"statement": values["statement"][:200]}))
    shown_to(world.alice, "/parts/moment/", "/")


@FUZZ
@given(slot=fuzz_text, version=fuzz_number, kind=fuzz_text, words=fuzz_text, reply=fuzz_text)
@example(slot=XSS, version="1", kind="closeness", words=XSS, reply=XSS)
@example(slot="come", version=XSS, kind=XSS, words=HUGE, reply="alternative")
def test_moment_rain_check_and_reply_fields(slot, version, kind, words, reply, world):
    from couples.models import Ask
    from couples.services import moment
    from tests.factories import space_of

    mine = world.objects["ask"]
    if Ask.objects.filter(pk=mine.pk, state=Ask.OPEN).exists():
        moment.withdraw(space=space_of(world.alice), ask_id=mine.pk)  # so redeeming can ask
    rain_check, answered = world.objects["rain_check"], world.objects["answered_ask"]
    path = f"/moment/rain-checks/{rain_check.pk}"
    post_both_ways(world.alice, f"{path}/move/", {"rain_check": slot, "version": version})
    shown_to(world.alice, f"{path}/move/")
    post_both_ways(world.alice, f"{path}/redeem/", {"kind": kind, "words": words})
    post_both_ways(world.bob, f"/moment/asks/{answered.pk}/reply/", {"reply": reply})
    post_both_ways(world.alice, f"/moment/asks/{answered.pk}/put-away/", {"reply": reply})
    shown_to(world.bob, "/parts/moment/", "/")
    shown_to(world.alice, "/parts/moment/")
