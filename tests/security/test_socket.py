"""The live socket (/ws/space/) as an attack surface.

- Client frames are ignored: arbitrary text and bytes (unicode, NUL, huge,
  JSON-ish, HTML, template syntax) never crash the consumer, are never echoed,
  and the socket keeps delivering pushes afterwards.
- Canaries in frames: with bob and carol connected, alice performs every write
  of every area; bob's frames never carry her reflection canaries (nor her
  private note on her own rain check), her private answers make no frame at
  all reach him, and carol (a stranger) receives nothing.

Sockets run on the full ASGI app (config.asgi.application: origin check,
session auth, the Redis channel layer) through tests/realtime_support.py.
"""

import datetime
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from couples.services import alternatives, moment, reflections, statements, therapy, timing
from realtime import broadcast
from realtime.writer import writer
from tests.factories import space_of
from tests.realtime_support import close_quietly, drain, frames_until, open_socket

from .test_fuzz_forms import PAYLOADS
from .world import MOMENT_DUE_NOTE, REFLECTION_CANARIES, build_world, slot_ahead

pytestmark = pytest.mark.django_db(transaction=True)


async def signed_in(make_client, user):
    """A browser of ``user`` with the dashboard open (it holds a CSRF cookie)."""
    client = await sync_to_async(make_client)(user)
    response = await sync_to_async(client.get)("/")
    assert response.status_code == 200
    return client


@sync_to_async
def push_statements(couple):
    with transaction.atomic():
        broadcast.part_changed(couple=couple, parts=["statements"])


# --- Client frames ------------------------------------------------------------------

frame = st.one_of(
    st.sampled_from(PAYLOADS).map(lambda text: ("text", text)),
    st.text(max_size=200).map(lambda text: ("text", text)),
    st.binary(max_size=200).map(lambda data: ("bytes", data)),
    st.builds(
        lambda obj: ("text", json.dumps(obj)),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda kids: (
                st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4)
            ),
            max_leaves=10,
        ),
    ),
    st.sampled_from(
        [
            ("text", '{"type": "space.changed", "parts": ["reflections"], "seq": 1}'),
            ("text", '{"type": "session.check", "ended": null}'),
            ("text", '{"type": "presence", "kind": "hello", "couple": 1, "user": 1}'),
            ("text", '{"HEADERS": {"HX-Request": "true"}, "parts": ["my-answers"]}'),
            ("text", "x" * 1_000_000),
            ("bytes", b"\x00" * 65_536),
            ("text", "\x00\ud7ff\ufffd"),
        ]
    ),
)


@pytest.fixture
def scene(make_client):
    world = build_world()
    writer.wait()  # the world's own frames are out before any socket opens
    bob = make_client(world.bob)
    assert bob.get("/").status_code == 200
    return world, bob


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frames=st.lists(frame, min_size=1, max_size=4))
@example(frames=[("text", "<script>alert(1)</script>"), ("bytes", b"\xff\xfe\x00")])
def test_client_frames_never_crash_never_echo_and_the_socket_keeps_working(frames, scene):
    world, bob = scene

    async def scenario():
        socket = await open_socket(bob)
        try:
            for kind, payload in frames:
                # Raw ASGI input: empty frames too (send_to refuses those).
                await socket.send_input({"type": "websocket.receive", kind: payload})
            # Nothing comes back: no echo, no error frame, no close.
            assert await socket.receive_nothing(timeout=0.2)
            # And the socket still works: a real push arrives.
            await push_statements(world.couple)
            received = await frames_until(socket, 'id="statements"', timeout=5)
            for text in received:
                for kind, payload in frames:
                    if kind == "text" and len(payload) > 3 and "<" in payload:
                        assert payload not in text, "a client frame was echoed"
        finally:
            await close_quietly(socket)

    async_to_sync(scenario)()


# --- Canaries in frames ---------------------------------------------------------------

WORDS = {"reason": "tired", "meaning": "m", "not_meaning": "n", "reassurance": "r"}


@sync_to_async
def act(fn, **kwargs):
    """One of alice's writes, as her request would make it: shared writes take
    her space (resolved once), her journal takes her."""
    with transaction.atomic():
        if fn.__module__ != reflections.__name__:
            for key in ("author", "user", "asker"):
                if key in kwargs:
                    kwargs["space"] = space_of(kwargs.pop(key))
        return fn(**kwargs)


async def every_write_of_every_area(world):
    """alice's writes, phase by phase: (phase name, may bob hear of it?)."""
    alice = world.alice
    stmt = world.objects["statement"]
    yield "statement", True
    await act(
        statements.edit_statement,
        author=alice,
        statement_id=stmt.pk,
        version=stmt.version,
        **{**WORDS, "meaning": "Stm7-edited"},
    )
    await act(statements.add_statement, author=alice, **WORDS)
    await act(
        statements.answer_question,
        author=alice,
        question_id=(await sync_to_async(_bobs_question)(world)).pk,
        version=1,
        answer="an answer",
    )
    yield "timing", True
    await act(
        timing.save_timing, author=alice, cells="u" * 35, notes="Tmg7-new", expected_version=1
    )
    await act(timing.set_timing_cell, author=alice, cell="sat_late", level="r")  # a tap
    yield "private answers", False
    proposal = world.objects["alternative"]
    catalogue = world.objects["catalogue"]
    for activity, answer in (
        (proposal, "maybe"),
        (catalogue[0], "no"),
        (catalogue[1], "maybe"),
        (catalogue[2], ""),
        (catalogue[2], "yes"),  # a yes bob has not matched is private too
    ):
        await act(alternatives.answer_activity, user=alice, activity_id=activity.pk, answer=answer)
    await act(alternatives.withdraw_yes, user=alice, activity_id=catalogue[2].pk)
    yield "reflections", False
    reflection = world.objects["reflection"]
    await act(reflections.write_reflection, author=alice, body="Rfl7-second-canary", tags="rfl7two")
    await act(
        reflections.update_reflection,
        author=alice,
        reflection_id=reflection.pk,
        version=reflection.version,
        body="Rfl7-edited-canary",
        what_i_heard="Rfl7-heard-again-canary",
    )
    await act(
        reflections.set_bring_to_therapy, author=alice, reflection_id=reflection.pk, bring=False
    )
    yield "proposal", True
    await act(alternatives.propose_activity, author=alice, name="Alt7 second proposal")
    yield "agenda", True
    session = world.objects["therapy_session"]
    topic = await act(therapy.add_topic, user=alice, session_id=session.pk, text="Tpc7-new")
    await act(therapy.move_topic, user=alice, topic_id=topic.pk, direction="up")
    await act(therapy.set_discussed, user=alice, topic_id=topic.pk, discussed=True)
    await act(therapy.remove_topic, user=alice, topic_id=topic.pk)
    await act(
        therapy.update_session,
        user=alice,
        session_id=session.pk,
        planned_for=datetime.date.today() + datetime.timedelta(days=3),
        therapist_name="Thr7 Other",
        expected_version=session.version,
    )
    yield "moment", True
    await act(moment.withdraw, user=alice, ask_id=world.objects["ask"].pk)
    await act(moment.ask, user=alice, kind="closeness", when="now", words="Mmt7-asked-again")
    await act(moment.put_away_reply, user=alice, ask_id=world.objects["answered_ask"].pk)
    yield "rain check", True
    rain_check = world.objects["rain_check"]
    await act(
        moment.move_rain_check,
        user=alice,
        rain_check_id=rain_check.pk,
        rain_check=slot_ahead(days=2, part="evening"),
        version=rain_check.version,
    )
    await act(moment.let_go, user=alice, rain_check_id=rain_check.pk)
    yield "end", True


def _bobs_question(world):
    bobs = statements.add_statement(space=space_of(world.bob), **WORDS)
    del bobs
    stmt = world.objects["statement"]
    return statements.ask_question(space=space_of(world.bob), statement_id=stmt.pk, text="bob asks")


PRIVATE = [*REFLECTION_CANARIES.values(), "Rfl7-second-canary", "rfl7two", "Rfl7-edited-canary"]
PRIVATE.append("Rfl7-heard-again-canary")
PRIVATE.append(MOMENT_DUE_NOTE)  # alice's note on her own rain check, on her screen only


@pytest.mark.asyncio
async def test_alices_writes_reach_bob_without_her_secrets_and_carol_hears_nothing(make_client):
    world = await sync_to_async(build_world)()
    # A transactional test starts from an emptied database (no starter
    # catalogue): three more of alice's proposals stand in for it.
    world.objects["catalogue"] = [
        await act(alternatives.propose_activity, author=world.alice, name=f"Alt7 idea {n}")
        for n in range(3)
    ]
    alice_browser = await signed_in(make_client, world.alice)
    bob_browser = await signed_in(make_client, world.bob)
    carol_browser = await signed_in(make_client, world.carol)
    alice, bob, carol = [await open_socket(b) for b in (alice_browser, bob_browser, carol_browser)]
    frames = {"alice": [], "bob": [], "carol": []}
    try:
        await drain(alice, 0.5), await drain(bob, 0.5), await drain(carol, 0.5)
        steps = every_write_of_every_area(world)
        phase, bob_may_hear = await anext(steps)
        async for next_phase, next_may_hear in steps:
            got = {name: await drain(s, 0.6) for name, s in (("alice", alice), ("bob", bob))}
            got["carol"] = await drain(carol, 0.2)
            bob_frames = [f for f in got["bob"] if 'data-kind="presence"' not in f]
            if not bob_may_hear:
                assert bob_frames == [], f"bob heard of alice's {phase}: {bob_frames!r}"
            else:
                assert bob_frames, f"bob got no frame for alice's {phase} (the net is broken)"
            for name in frames:
                frames[name].extend(got[name])
            phase, bob_may_hear = next_phase, next_may_hear
    finally:
        await close_quietly(alice, bob, carol)

    bob_text = "\n".join(frames["bob"])
    leaked = [canary for canary in PRIVATE if canary in bob_text]
    assert not leaked, f"bob's frames carry alice's private text: {leaked}"
    assert frames["carol"] == [], "a stranger received frames of someone else's couple"
    assert "Rfl7-bobs-own-canary" not in "\n".join(frames["alice"]), "bob's journal reached alice"
    # Controls: the frames do carry what may be seen, where it may be seen.
    # (each push renders the state at delivery: the short-lived topic may be gone)
    assert "Stm7-edited" in bob_text and "Thr7 Other" in bob_text
    assert "Alt7 second proposal" in bob_text
    assert "Mmt7-asked-again" in bob_text  # the moment: her new ask reaches him
    assert MOMENT_DUE_NOTE in "\n".join(frames["alice"])  # and her own note reaches her
    assert "Rfl7-second-canary" in "\n".join(frames["alice"])


@pytest.mark.asyncio
async def test_an_idle_device_socket_never_receives_journal_text(make_client):
    """alice's own device whose re-authentication has lapsed (a laptop left
    open): pushes of her journal part carry none of its text."""
    from tests.reflections_helpers import forget_reauth

    world = await sync_to_async(build_world)()
    idle = await signed_in(make_client, world.alice)
    await sync_to_async(forget_reauth)(idle)
    socket = await open_socket(idle)
    try:
        await drain(socket, 0.3)
        await act(reflections.write_reflection, author=world.alice, body="Rfl7-idle-canary")
        frames = await frames_until(socket, 'id="reflections"', timeout=5)
        text = "\n".join(frames)
        assert "Rfl7-idle-canary" not in text
        assert not [c for c in REFLECTION_CANARIES.values() if c in text]
    finally:
        await close_quietly(socket)
