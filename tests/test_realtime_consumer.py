"""Live sync over the full ASGI app (origin check, session auth, Redis layer)."""

import asyncio
import re
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import override_settings

from accounts.services import update_display_name
from couples import parts
from couples.models import Couple
from couples.services import linking
from realtime import broadcast
from tests.factories import PASSWORD
from tests.realtime_support import (
    SEQ_RE,
    close_quietly,
    communicator,
    drain,
    frames_until,
    open_socket,
)

TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def login(make_client, user):
    """A signed-in browser of ``user`` (its own session) that has the
    dashboard open (so it holds a CSRF cookie, as the socket expects)."""
    client = await sync_to_async(make_client)(user)
    response = await sync_to_async(client.get)("/")
    assert response.status_code == 200
    return client


@sync_to_async
def change_shared_part(couple, name="statements"):
    with transaction.atomic():
        return broadcast.part_changed(couple=couple, parts=[name])


@sync_to_async
def rename(user, name):
    update_display_name(user=user, display_name=name)


# --- who may connect -----------------------------------------------------------


async def test_anonymous_socket_is_accepted_then_closed_with_4401(anon_client):
    socket = communicator(anon_client)
    connected, _ = await socket.connect(timeout=5)
    assert connected  # accepted first, so the browser does not reconnect in a loop
    closing = await socket.receive_output(timeout=2)
    assert closing == {"type": "websocket.close", "code": 4401}


@pytest.mark.parametrize("origin", [b"https://evil.example", None])
async def test_foreign_or_missing_origin_is_refused(alice_client, couple, origin):
    socket = communicator(alice_client, origin=origin)
    connected, _ = await socket.connect(timeout=5)
    assert not connected


async def test_unlinked_person_gets_a_socket_for_their_own_devices_only(carol_client, couple):
    socket = await open_socket(carol_client)
    await change_shared_part(couple)
    assert await socket.receive_nothing(timeout=0.3)
    await close_quietly(socket)


# --- who receives what -----------------------------------------------------------


async def test_alice_change_reaches_bob_and_alice_other_device_never_carol(
    make_client, alice, bob, carol, couple
):
    alice_phone, alice_laptop = await login(make_client, alice), await login(make_client, alice)
    sockets = [await open_socket(await login(make_client, user)) for user in (bob, carol)]
    sockets += [await open_socket(alice_phone), await open_socket(alice_laptop)]
    bob_socket, carol_socket, phone_socket, laptop_socket = sockets
    await drain(bob_socket)  # presence frames
    await drain(phone_socket)
    await drain(laptop_socket)

    await rename(alice, "Alicia")

    bob_frame = (await frames_until(bob_socket, 'id="partner"'))[-1]
    assert "Alicia" in bob_frame  # bob's own view: his partner's new name
    for socket in (phone_socket, laptop_socket):
        frame = (await frames_until(socket, 'id="partner"'))[-1]
        assert "Bob" in frame and "Alicia" not in frame.split('id="partner"', 1)[1]
    assert await carol_socket.receive_nothing(timeout=0.5)
    await close_quietly(*sockets)


async def test_every_push_carries_the_couple_sequence_number(bob_client, couple):
    bob_socket = await open_socket(bob_client)
    first = await change_shared_part(couple)
    second = await change_shared_part(couple)
    assert second == first + 1
    frames = await frames_until(bob_socket, f'data-seq="{second}"')
    seqs = [int(m.group(1)) for f in frames for m in SEQ_RE.finditer(f) if m.group(2) == "change"]
    assert seqs == [first, second]
    assert (await sync_to_async(Couple.objects.get)(pk=couple.pk)).seq == second
    assert 'id="statements"' in frames[-1]
    await close_quietly(bob_socket)


async def test_hello_frame_tells_a_fresh_socket_the_current_sequence(bob_client, couple):
    await change_shared_part(couple)
    socket = communicator(bob_client)
    await socket.connect(timeout=5)
    hello = await socket.receive_from(timeout=2)
    assert SEQ_RE.search(hello).groups() == ("1", "hello")
    await close_quietly(socket)


@pytest.fixture
def private_part(monkeypatch, settings):
    """A user-scoped part whose content names its owner (a canary)."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]
    part = parts.Part(
        name="private-canary",
        template="tests/private_canary.html",
        build=lambda space, rows, request: {"canary": f"CANARY-{request.user.display_name}"},
        scope="user",
    )
    monkeypatch.setitem(parts.PARTS, "private-canary", part)
    return part


async def test_user_scoped_part_reaches_only_its_owner_sockets(
    make_client, alice, bob, carol, couple, private_part
):
    phone, laptop = (
        await open_socket(await login(make_client, alice)),
        await open_socket(await login(make_client, alice)),
    )
    bob_socket, carol_socket = (
        await open_socket(await login(make_client, bob)),
        await open_socket(await login(make_client, carol)),
    )
    for socket in (phone, laptop, bob_socket):
        await drain(socket)

    await sync_to_async(broadcast.own_part_changed)(user=alice, parts=["private-canary"])

    for socket in (phone, laptop):
        frame = (await frames_until(socket, "CANARY-"))[-1]
        assert "CANARY-Alice" in frame
    for socket in (bob_socket, carol_socket):
        assert all("CANARY" not in frame for frame in await drain(socket, 0.5))
    await close_quietly(phone, laptop, bob_socket, carol_socket)


async def test_user_scoped_part_can_never_be_sent_to_the_couple(couple, private_part):
    with pytest.raises(broadcast.PartScopeError):
        await change_shared_part(couple, "private-canary")


async def test_rolled_back_save_is_not_broadcast(bob_client, alice, couple):
    bob_socket = await open_socket(bob_client)

    @sync_to_async
    def failing_save():
        with transaction.atomic():
            update_display_name(user=alice, display_name="Never saved")
            raise RuntimeError("the save failed after asking for a push")

    with pytest.raises(RuntimeError):
        await failing_save()
    assert all("Never saved" not in f and "data-seq" not in f for f in await drain(bob_socket, 0.5))
    assert (await sync_to_async(Couple.objects.get)(pk=couple.pk)).seq == 0
    await close_quietly(bob_socket)


# --- linking state switches live -------------------------------------------------------


async def test_accepted_invite_flips_the_inviter_dashboard_to_linked(make_client, alice, bob):
    alice_client, bob_client = await login(make_client, alice), await login(make_client, bob)
    alice_socket = await open_socket(alice_client)
    bob_other_device = await open_socket(await login(make_client, bob))
    _invite, code = await sync_to_async(linking.create_invite)(creator=alice)
    response = await sync_to_async(bob_client.post)("/join/", {"code": code})
    assert response.status_code == 302

    frame = (await frames_until(alice_socket, 'id="partner"'))[-1]
    assert "Bob" in frame and 'id="linking"' not in frame
    frame = (await frames_until(bob_other_device, 'id="partner"'))[-1]
    assert "Alice" in frame

    # Alice's socket has joined the new couple's group: shared pushes reach her.
    couple = await sync_to_async(Couple.objects.get)()
    await change_shared_part(couple)
    await frames_until(alice_socket, 'id="statements"')
    await close_quietly(alice_socket, bob_other_device)


async def test_unlink_switches_both_dashboards_and_stops_couple_frames(
    make_client, alice, bob, couple
):
    alice_socket, bob_socket = (
        await open_socket(await login(make_client, alice)),
        await open_socket(await login(make_client, bob)),
    )
    bob_client = await login(make_client, bob)
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await sync_to_async(bob_client.post)("/unlink/", {"confirm": "on"})
    assert response.status_code == 302
    for socket in (alice_socket, bob_socket):
        frame = (await frames_until(socket, 'id="linking"', timeout=1))[-1]
        assert 'id="partner"' not in frame
    assert loop.time() - started < 1

    await change_shared_part(couple)  # a late push for the dissolved couple
    for socket in (alice_socket, bob_socket):
        assert all('id="statements"' not in f for f in await drain(socket, 0.5))
    await close_quietly(alice_socket, bob_socket)


# --- sessions end sockets ----------------------------------------------------------------


async def test_logout_closes_that_session_socket_within_a_second(make_client, alice, couple):
    phone, laptop = await login(make_client, alice), await login(make_client, alice)
    phone_socket, laptop_socket = await open_socket(phone), await open_socket(laptop)
    await drain(phone_socket, 0.1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sync_to_async(phone.post)("/accounts/logout/")
    while True:
        output = await phone_socket.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4401
    assert loop.time() - started < 1

    await change_shared_part(couple)
    assert await phone_socket.receive_nothing(timeout=0.3)
    # Logging out on the phone does not sign the laptop out.
    await frames_until(laptop_socket, 'id="statements"')
    await close_quietly(phone_socket, laptop_socket)


async def test_password_change_closes_the_other_sessions_sockets(make_client, alice, couple):
    here, elsewhere = await login(make_client, alice), await login(make_client, alice)
    here_socket, elsewhere_socket = await open_socket(here), await open_socket(elsewhere)
    token = await sync_to_async(here.csrf_token)()
    response = await sync_to_async(here.post)(
        "/accounts/password/change/",
        {
            "csrfmiddlewaretoken": token,
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    while True:
        output = await elsewhere_socket.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4401

    # The changing browser keeps its session under a new key (Django cycles it):
    # its page reconnects and is live again; the other browser's session is over.
    await close_quietly(here_socket, elsewhere_socket)
    here_socket = await open_socket(here)
    refused = communicator(elsewhere)
    await refused.connect(timeout=5)
    assert await refused.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    await change_shared_part(couple)
    await frames_until(here_socket, 'id="statements"')
    await close_quietly(here_socket)


# --- presence -------------------------------------------------------------------------------


@override_settings(REALTIME_PRESENCE_INTERVAL=0.2)
async def test_presence_mark_shows_partner_here_and_goes_when_they_leave(
    make_client, alice, bob, carol, couple
):
    bob_socket = await open_socket(await login(make_client, bob))
    carol_socket = await open_socket(await login(make_client, carol))
    alice_socket = await open_socket(await login(make_client, alice))

    frame = (await frames_until(alice_socket, 'id="partner-presence"'))[-1]
    assert "hidden" not in frame  # bob is here
    frame = (await frames_until(bob_socket, 'id="partner-presence"'))[-1]
    assert "hidden" not in frame

    # A second device of alice's: leaving with one keeps her present.
    alice_tablet = await open_socket(await login(make_client, alice))
    await alice_socket.disconnect(timeout=0.1)
    assert all("hidden" not in f for f in await drain(bob_socket, 0.6))

    await alice_tablet.disconnect(timeout=0.1)
    frame = (await frames_until(bob_socket, 'id="partner-presence"', timeout=1))[-1]
    assert "hidden" in frame
    assert all("presence" not in f for f in await drain(carol_socket, 0.1))
    await close_quietly(bob_socket, carol_socket)


async def test_forms_pushed_over_the_socket_carry_a_csrf_token_the_browser_can_use(
    make_client, alice, bob, couple
):
    alice_client = await login(make_client, alice)
    alice_socket = await open_socket(alice_client)
    bob_client = await login(make_client, bob)
    await sync_to_async(bob_client.post)("/unlink/", {"confirm": "on"})
    frame = (await frames_until(alice_socket, 'id="linking"'))[-1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', frame).group(1)

    response = await sync_to_async(alice_client.post)(
        "/invite/", {"csrfmiddlewaretoken": token}, follow=True
    )
    assert response.status_code == 200 and 'id="invite-code"' in response.content.decode()
    forged = await sync_to_async(alice_client.post)("/invite/", {"csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    await close_quietly(alice_socket)
