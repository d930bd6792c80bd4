"""Frames rendered once, in the writer (realtime/writer.py).

- verify_action (zulip's test_events): for every kind of shared change, each
  partner's dashboard as it was, plus the frames that reached their own
  ``user.<id>`` group, equals a fresh render of their dashboard.
- Each frame is rendered for its recipient's own eyes, from one read of the rows.
- The socket does no database work for a frame; a frame's forms carry a CSRF
  token the socket's browser can post with.
- Renders of one couple wait for each other (across processes: an advisory
  lock), so a later frame never shows an older state.
- Layer messages are encrypted in Redis; production refuses to start without keys.
"""

import datetime
import os
import subprocess
import sys

import psycopg
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.services import update_display_name
from couples import parts
from couples.models import AlternativeActivity, Ask, RainCheck
from couples.services import alternatives, moment, statements, therapy, timing
from realtime import broadcast, rendering
from realtime.writer import writer
from tests.factories import space_of
from tests.realtime_support import (
    XHTML,
    _by_id,
    apply_frames,
    close_quietly,
    drain,
    frames_until,
    normalized,
    open_socket,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "Worn out after the late shift.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love your laugh.",
    "rain_check": "Saturday morning?",
}


def frames_for(sent, user):
    """The frames one person's sockets would forward (CSRF put in by the socket)."""
    return [
        event["html"].replace(event["csrf"], rendering.csrf_token(None))
        for group, event in sent
        if group == f"user.{user.pk}" and event["type"] == "frame"
    ]


@pytest.fixture
def verify_action(alice, bob, couple, sent, make_client, django_capture_on_commit_callbacks):
    """Apply ``action``; for alice and bob, the page before + their frames ==
    a fresh page. Returns the frames each received."""
    clients = {person.pk: make_client(person) for person in (alice, bob)}

    def page(person):
        response = clients[person.pk].get("/")
        assert response.status_code == 200
        return response.content.decode()

    def verify(action, *, expect_frames=True):
        before = {person.pk: page(person) for person in (alice, bob)}
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        received = {}
        for person in (alice, bob):
            frames = frames_for(sent, person)
            assert bool(frames) == expect_frames, f"frames for {person}: {frames!r}"
            after = apply_frames(before[person.pk], frames)
            assert normalized(after) == normalized(page(person)), (
                f"{person}'s page before plus the frames is not a fresh render"
            )
            received[person.pk] = frames
        return received

    return verify


def test_every_statement_change_leaves_both_pages_as_a_fresh_render(alice, bob, verify_action):
    mine = space_of(alice)
    statement = None

    def add():
        nonlocal statement
        statement = statements.add_statement(space=mine, **WORDS)

    verify_action(add)
    verify_action(
        lambda: statements.edit_statement(
            space=mine,
            statement_id=statement.pk,
            version=statement.version,
            **{**WORDS, "meaning": "Worn out, truly."},
        )
    )
    verify_action(lambda: statements.mark_heard(space=space_of(bob), statement_id=statement.pk))
    question = None

    def ask():
        nonlocal question
        question = statements.ask_question(
            space=space_of(bob), statement_id=statement.pk, text="Would a bath help?"
        )

    verify_action(ask)
    verify_action(
        lambda: statements.answer_question(
            space=mine, question_id=question.pk, version=1, answer="Often, yes."
        )
    )
    verify_action(lambda: statements.retire_statement(space=mine, statement_id=statement.pk))


def test_timing_alternatives_therapy_and_names_leave_both_pages_fresh(alice, bob, verify_action):
    verify_action(
        lambda: timing.save_timing(
            space=space_of(alice), cells="-us--" * 7, notes="Mornings", expected_version=0
        )
    )
    verify_action(
        lambda: timing.save_timing(
            space=space_of(bob), cells="-uu-r" * 7, notes="", expected_version=0
        )
    )
    massage = AlternativeActivity.objects.get(catalogue_key="massage")
    alternatives.answer_activity(space=space_of(alice), activity_id=massage.pk, answer="yes")
    verify_action(
        lambda: alternatives.answer_activity(
            space=space_of(bob), activity_id=massage.pk, answer="yes"
        )
    )
    verify_action(lambda: alternatives.withdraw_yes(space=space_of(alice), activity_id=massage.pk))
    day = datetime.date.today() + datetime.timedelta(days=3)
    session = None

    def plan():
        nonlocal session
        session = therapy.plan_session(space=space_of(alice), planned_for=day)

    verify_action(plan)
    topics = []
    for person, text in ((alice, "Mornings"), (bob, "Weekends"), (alice, "Asking")):
        verify_action(
            lambda person=person, text=text: topics.append(
                therapy.add_topic(space=space_of(person), session_id=session.pk, text=text)
            )
        )
    verify_action(
        lambda: therapy.move_topic(space=space_of(bob), topic_id=topics[2].pk, direction="up")
    )
    verify_action(
        lambda: therapy.set_discussed(space=space_of(bob), topic_id=topics[0].pk, discussed=True)
    )
    verify_action(lambda: therapy.remove_topic(space=space_of(alice), topic_id=topics[2].pk))
    verify_action(
        lambda: therapy.update_session(
            space=space_of(bob),
            session_id=session.pk,
            planned_for=day,
            therapist_name="Dr. Rivera",
            expected_version=1,
        )
    )
    verify_action(lambda: update_display_name(user=alice, display_name="Alicia"))


def test_a_private_answer_sends_no_frame_to_anyone(alice, verify_action):
    kissing = AlternativeActivity.objects.get(catalogue_key="kissing")
    verify_action(
        lambda: alternatives.answer_activity(
            space=space_of(alice), activity_id=kissing.pk, answer="maybe"
        ),
        expect_frames=False,
    )


def test_each_partner_gets_their_own_view_rendered_from_one_read(
    alice, bob, couple, sent, django_capture_on_commit_callbacks
):
    statements.add_statement(space=space_of(alice), **WORDS)
    sent.clear()
    space = space_of(alice)
    with CaptureQueriesContext(connection) as one_read:
        broadcast_frames = parts.render_for_members(["statements"], space, csrf_placeholder="P")
    alices, bobs = broadcast_frames[alice.pk], broadcast_frames[bob.pk]
    assert "Edit</a>" in alices and "Edit</a>" not in bobs  # only the author edits
    assert "heard this" in bobs and "heard this" not in alices
    # Both partners' frames come from the statements' rows read once.
    with CaptureQueriesContext(connection) as alice_only:
        parts.get_part("statements").render(space, csrf_token="P")
    assert len(one_read) == len(alice_only)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_forwards_a_frame_without_any_database_work(
    make_client, alice, bob, couple, monkeypatch
):
    bob_client = await sync_to_async(make_client)(bob)
    await sync_to_async(bob_client.get)("/")
    socket = await open_socket(bob_client)
    await drain(socket, 0.3)
    loads = []
    real_load = rendering.load_state
    monkeypatch.setattr(
        rendering, "load_state", lambda *a, **k: loads.append(1) or real_load(*a, **k)
    )
    space = await sync_to_async(space_of)(alice)
    for n in range(3):
        await sync_to_async(statements.add_statement)(
            space=space, **{**WORDS, "meaning": f"frame-{n}"}
        )
    for n in range(3):
        await frames_until(socket, f"frame-{n}", timeout=5)
    assert loads == []  # no session, couple or row was read for these frames
    await close_quietly(socket)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_writer_frame_carries_a_csrf_token_the_browser_can_post_with(
    make_client, alice, bob, couple
):
    bob_client = await sync_to_async(make_client)(bob)
    await sync_to_async(bob_client.get)("/")
    socket = await open_socket(bob_client)
    space = await sync_to_async(space_of)(alice)
    statement = await sync_to_async(statements.add_statement)(space=space, **WORDS)
    frame = (await frames_until(socket, f'id="statement-{statement.pk}"', timeout=5))[-1]
    import re

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', frame).group(1)
    heard = await sync_to_async(bob_client.post)(
        f"/statements/{statement.pk}/heard/", {"csrfmiddlewaretoken": token}
    )
    assert heard.status_code == 302
    forged = await sync_to_async(bob_client.post)(
        f"/statements/{statement.pk}/heard/", {"csrfmiddlewaretoken": "x" * 64}, csrf=False
    )
    assert forged.status_code == 403
    await close_quietly(socket)


def wait_until_a_render_waits_for(couple_id, timeout=10.0):
    """Until the writer's connection is queued behind the couple's render lock
    (PostgreSQL says so in pg_locks)."""
    import time

    from realtime import writer as writer_module

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND classid = %s AND objid = %s",
                [writer_module._LOCK_CLASS, couple_id],
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("no render queued behind the lock")


@pytest.mark.django_db(transaction=True)
def test_a_render_waits_for_another_render_of_the_same_couple_and_shows_what_came_before(
    alice, bob, couple, monkeypatch
):
    """Another process is rendering this couple (it holds the advisory lock):
    our render waits, then shows everything committed meanwhile."""
    from realtime import writer as writer_module

    received = []
    monkeypatch.setattr(
        broadcast, "send_rollback_unsafe", lambda g, e, **kw: received.append((g, e))
    )
    space = space_of(alice)
    db = connection.settings_dict
    # Another process's connection, holding the couple's render lock.
    with psycopg.connect(
        dbname=db["NAME"], host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"]
    ) as other:
        other.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [writer_module._LOCK_CLASS, couple.pk]
        )
        statements.add_statement(space=space, **{**WORDS, "meaning": "first words"})
        wait_until_a_render_waits_for(couple.pk)
        assert received == []
        statements.add_statement(space=space, **{**WORDS, "meaning": "second words"})
        other.commit()  # the other render is done: ours goes on
    writer.wait()
    first_frames = [e["html"] for g, e in received if e["seq"] == 1]
    assert first_frames and all("second words" in html for html in first_frames)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_layer_messages_are_encrypted_in_redis(settings):
    import redis.asyncio as redis
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("user.987654", channel)
    await layer.group_send("user.987654", {"type": "frame", "html": "Stm9-layer-canary"})
    client = redis.from_url(settings.REDIS_URL)
    try:
        raw = b""
        async for key in client.scan_iter(match=f"{layer.prefix}*"):
            kind = await client.type(key)
            if kind == b"zset":
                raw += b"".join(await client.zrange(key, 0, -1))
            elif kind == b"string":
                raw += await client.get(key) or b""
        assert raw, "the message was not found in Redis at all"
        assert b"Stm9-layer-canary" not in raw
    finally:
        await client.aclose()
    message = await layer.receive(channel)
    assert message["html"] == "Stm9-layer-canary"
    await layer.group_discard("user.987654", channel)


def test_production_refuses_to_start_without_layer_keys_when_redis_is_used():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CHANNEL_LAYER_ENCRYPTION_KEYS", "DEBUG"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        ALLOWED_HOSTS="example.com",
        FIELD_ENCRYPTION_KEYS="a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=",
        VAPID_PRIVATE_KEY="pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    probe = [sys.executable, "-c", "import config.settings"]
    refused = subprocess.run(probe, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and "CHANNEL_LAYER_ENCRYPTION_KEYS" in refused.stderr
    env["CHANNEL_LAYER_ENCRYPTION_KEYS"] = "a-layer-secret"
    started = subprocess.run(probe, env=env, capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr


def test_rendering_inline_only_while_the_rows_are_invisible_to_other_connections(
    alice, couple, sent, django_capture_on_commit_callbacks
):
    """Inside a test's transaction the writer renders in place (no thread could
    see the rows); the frames are the same ones the thread would send."""
    assert connection.in_atomic_block
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        statements.add_statement(space=space_of(alice), **WORDS)
    assert [e["type"] for _g, e in sent] == ["frame", "frame"]


def test_every_ask_decline_and_rain_check_change_leaves_both_pages_fresh(alice, bob, verify_action):
    """The moment: each step is one frame for each partner, and each page before
    plus its frames equals a fresh render (the asker's and the decliner's views
    differ; both are rendered from one read)."""
    statements.add_statement(space=space_of(bob), **WORDS)
    massage = AlternativeActivity.objects.get(catalogue_key="massage")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=massage.pk, answer="yes")
    asks = []

    def ask(person, **extra):
        asks.append(moment.ask(space=space_of(person), kind="closeness", words="Hug?", **extra))

    verify_action(lambda: ask(alice))
    verify_action(lambda: moment.withdraw(space=space_of(alice), ask_id=asks[-1].pk))
    verify_action(lambda: ask(alice, when="tonight"))
    card = moment.clean_card(
        space_of(bob),
        acknowledgement="Thank you for asking.",
        reason="Worn out.",
        not_meaning="Not about you.",
        love="Your laugh.",
        activity_id=massage.pk,
        rain_check="come",
    )
    verify_action(lambda: moment.decline(space=space_of(bob), ask_id=asks[-1].pk, card=card))
    verify_action(
        lambda: moment.reply(space=space_of(alice), ask_id=asks[-1].pk, reply="alternative")
    )
    verify_action(lambda: moment.put_away_reply(space=space_of(bob), ask_id=asks[-1].pk))
    rain_check = RainCheck.objects.get(owner=bob)
    verify_action(
        lambda: moment.move_rain_check(
            space=space_of(bob),
            rain_check_id=rain_check.pk,
            rain_check="come",
            version=rain_check.version,
        )
    )
    verify_action(lambda: moment.redeem(space=space_of(bob), rain_check_id=rain_check.pk))
    verify_action(
        lambda: moment.answer_yes(space=space_of(alice), ask_id=Ask.objects.get(asker=bob).pk)
    )
    verify_action(lambda: ask(alice))
    verify_action(lambda: moment.answer_something_else(space=space_of(bob), ask_id=asks[-1].pk))
    verify_action(lambda: ask(alice))
    verify_action(lambda: moment.answer_talk(space=space_of(bob), ask_id=asks[-1].pk, text="Us"))
    verify_action(lambda: moment.reply(space=space_of(alice), ask_id=asks[-1].pk, reply=""))


# --- the therapy session page: a hint, then the page's own blocks ---------------

PICKED = "alice-picked-for-therapist-canary-37"


def _top_level_ids(frame):
    import tinyhtml5

    return {element.get("id") for element in tinyhtml5.parse(frame).find(f"{XHTML}body")}


def _block_ids(page_html):
    import tinyhtml5

    root = tinyhtml5.parse(page_html)
    return [el.get("id") for el in root.iter() if el.get("data-live-block") is not None]


def _outside_blocks(page):
    """The page's #main with each live block emptied: what a push (not a refetch) keeps."""
    import copy

    import tinyhtml5

    root = tinyhtml5.parse(page) if isinstance(page, str) else copy.deepcopy(page)
    for element in list(root.iter()):
        if element.get("data-live-block") is not None:
            element.clear()
            element.set("id", "emptied")
    return normalized(root, "main")


@pytest.fixture
def session_page(alice, bob, couple, make_client):
    clients = {person.pk: make_client(person) for person in (alice, bob)}

    def get(person, session):
        response = clients[person.pk].get(f"/therapy/{session.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_a_session_change_by_alice_reaches_bobs_session_page_and_his_refetch_is_fresh(
    alice, bob, sent, session_page, django_capture_on_commit_callbacks
):
    day = datetime.date.today() + datetime.timedelta(days=3)
    session = therapy.plan_session(space=space_of(alice), planned_for=day)
    therapy.add_topic(space=space_of(bob), session_id=session.pk, text="Mornings")
    state = {}

    def add():
        state["topic"] = therapy.add_topic(
            space=space_of(alice), session_id=session.pk, text="Sunday evenings"
        )

    def make_link():
        state["link"] = therapy.create_therapist_link(
            space=space_of(alice), session_id=session.pk, therapist_name="Dr. Reyes"
        )[0]

    actions = [
        (add, "Sunday evenings"),
        (
            lambda: therapy.move_topic(
                space=space_of(alice), topic_id=state["topic"].pk, direction="up"
            ),
            None,
        ),
        (
            lambda: therapy.set_discussed(
                space=space_of(alice), topic_id=state["topic"].pk, discussed=True
            ),
            "Discussed",
        ),
        (make_link, "Alice made this link."),
        (
            lambda: therapy.consent_to_therapist_link(
                space=space_of(bob), link_id=state["link"].pk
            ),
            "you both agreed",
        ),
        (lambda: therapy.record_therapist_view(link=state["link"], kind="page"), ", the page</li>"),
        (
            lambda: therapy.revoke_therapist_link(space=space_of(alice), link_id=state["link"].pk),
            "It no longer works.",
        ),
        (lambda: therapy.remove_topic(space=space_of(alice), topic_id=state["topic"].pk), None),
    ]
    for action, words in actions:
        before = session_page(bob, session)
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        frames = frames_for(sent, bob)
        # The push reaches bob and names the part his session page listens for.
        assert any("therapy" in _top_level_ids(frame) for frame in frames), frames
        fresh = session_page(bob, session)
        assert fresh != before
        if words:
            assert words in fresh and words not in before
        # What the push itself swaps (the seq marker) plus his page's own blocks,
        # fetched again as live.js does, leave the page exactly a fresh render.
        after = apply_frames(before, frames)
        assert normalized(after, "live-seq") == normalized(fresh, "live-seq")
        assert _outside_blocks(after) == _outside_blocks(fresh)
        assert _block_ids(before) == _block_ids(fresh)
        refetched = refetch_blocks(after, fresh)
        assert normalized(refetched, "main") == normalized(fresh, "main")


def refetch_blocks(root, fresh_html):
    """``root`` after live.js fetched each of its live blocks again (``fresh_html``)."""
    import tinyhtml5

    fresh = tinyhtml5.parse(fresh_html)
    for element_id in [el.get("id") for el in root.iter() if el.get("data-live-block") is not None]:
        old, new = _by_id(root, element_id), _by_id(fresh, element_id)
        parent = next(el for el in root.iter() if old in list(el))
        new.tail = old.tail
        parent[list(parent).index(old)] = new
    return root


def test_bobs_frames_and_his_session_page_never_hold_alices_therapist_picks(
    alice, bob, sent, session_page, django_capture_on_commit_callbacks
):
    from couples.services import reflections

    day = datetime.date.today() + datetime.timedelta(days=3)
    session = therapy.plan_session(space=space_of(alice), planned_for=day)
    link, _token = therapy.create_therapist_link(
        space=space_of(alice), session_id=session.pk, therapist_name="Dr. Reyes"
    )
    therapy.consent_to_therapist_link(space=space_of(bob), link_id=link.pk)
    picked = reflections.write_reflection(author=alice, body=PICKED, bring_to_therapy=True)
    box = f'name="reflection" value="{picked.pk}"'
    checked = f"{box} checked"
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        therapy.set_therapist_picks(
            space=space_of(alice), link_id=link.pk, reflection_ids=[picked.pk]
        )
        therapy.add_topic(space=space_of(alice), session_id=session.pk, text="Mornings")
        therapy.record_therapist_view(link=link, kind="page")
    assert link.picks.filter(reflection=picked).exists()
    # alice's own page shows her pick (so the check below could fail).
    assert checked in session_page(alice, session)
    frames = frames_for(sent, bob)
    assert frames
    for frame in frames:
        assert PICKED not in frame and checked not in frame
        assert box not in frame
    bobs = session_page(bob, session)
    assert PICKED not in bobs and box not in bobs
