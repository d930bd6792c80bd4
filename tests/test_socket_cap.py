"""Live sockets per person are capped, across processes (issue 13, item 5).

A person holds at most ``REALTIME_SOCKETS_PER_PERSON`` live sockets; a new one
takes the place of their OLDEST, which closes with 4429 (the page does not
reconnect by itself). The places live in the channel layer's Redis, so the cap
holds across daphne processes; a place not refreshed by heartbeats (a process
that died) is forgotten; the couple's presence group (what every heartbeat fans
out to) never holds more than the cap of one person's sockets.

Real Redis (the suite's database), real consumers on the full ASGI app, and two
real daphne processes for the cross-process case.
"""

import asyncio
import time
from pathlib import Path

import pytest
import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import override_settings

from accounts.services import update_display_name
from realtime.consumers import CLOSE_REPLACED
from realtime.devices import ProcessPlaces
from realtime.groups import couple_group, user_group
from tests.realtime_support import RawWebSocket, close_quietly, drain, frames_until, open_socket
from tests.server_processes import daphnes

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis channel layer")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    for key in client.scan_iter("asgi:sockets:*"):
        client.delete(key)
    client.close()


async def browser(make_client, user):
    client = await sync_to_async(make_client)(user)
    await sync_to_async(client.get)("/")
    return client


async def closed_with(socket, timeout=3.0):
    """The close code the server sent (frames before it are skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        output = await socket.receive_output(timeout=max(0.05, deadline - loop.time()))
        if output["type"] == "websocket.close":
            return output.get("code")


@sync_to_async
def rename(user, name):
    update_display_name(user=user, display_name=name)


def places(redis_db, user):
    return [m.decode() for m in redis_db.zrange(f"asgi:sockets:user.{user.pk}:opened", 0, -1)]


def group_members(redis_db, group):
    return redis_db.zcard(f"asgi:group:{group}")


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=3)
async def test_a_fourth_socket_closes_the_oldest_and_the_rest_stay_live(
    make_client, alice, bob, couple, redis_db
):
    bob_browser = await browser(make_client, bob)
    sockets = [await open_socket(bob_browser) for _ in range(3)]
    for socket in sockets:
        await drain(socket, 0.1)
    assert len(places(redis_db, bob)) == 3

    newest = await open_socket(bob_browser)
    assert await closed_with(sockets[0]) == CLOSE_REPLACED  # the oldest goes
    live = [*sockets[1:], newest]
    assert len(places(redis_db, bob)) == 3

    await rename(alice, "Alicia")
    for socket in live:
        assert "Alicia" in (await frames_until(socket, 'id="partner"', timeout=5))[-1]
    assert await sockets[0].receive_nothing(timeout=0.2)
    await close_quietly(*live)


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=2)
async def test_sockets_opened_past_the_cap_close_oldest_first(
    make_client, alice, bob, couple, redis_db
):
    bob_browser = await browser(make_client, bob)
    sockets = []
    for _ in range(5):
        sockets.append(await open_socket(bob_browser))
        await asyncio.sleep(0)  # each one is fully open before the next
    for socket in sockets[:3]:
        assert await closed_with(socket) == CLOSE_REPLACED
    assert len(places(redis_db, bob)) == 2
    # alice's own socket is another person's place: untouched.
    alice_socket = await open_socket(await browser(make_client, alice))
    assert len(places(redis_db, alice)) == 1
    for socket in sockets[3:]:
        assert all("websocket.close" not in f for f in await drain(socket, 0.2))
    await close_quietly(*sockets[3:], alice_socket)


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=2)
async def test_a_closed_socket_gives_its_place_back(make_client, bob, couple, redis_db):
    bob_browser = await browser(make_client, bob)
    first, second = await open_socket(bob_browser), await open_socket(bob_browser)
    await first.disconnect(timeout=1)
    assert len(places(redis_db, bob)) == 1
    third = await open_socket(bob_browser)
    assert await second.receive_nothing(timeout=0.3)  # nobody had to go
    assert len(places(redis_db, bob)) == 2
    await close_quietly(second, third)


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=2, REALTIME_PRESENCE_INTERVAL=0.2)
async def test_presence_fan_out_is_bounded_by_the_cap(make_client, alice, bob, couple, redis_db):
    """Every heartbeat goes to every member of the couple group: one person's
    flood of sockets never grows it past the cap."""
    alice_socket = await open_socket(await browser(make_client, alice))
    bob_browser = await browser(make_client, bob)
    sockets = [await open_socket(bob_browser) for _ in range(8)]
    for socket in sockets[:6]:
        assert await closed_with(socket) == CLOSE_REPLACED
    assert group_members(redis_db, couple_group(couple.pk)) == 3  # alice 1 + bob's cap 2
    assert group_members(redis_db, user_group(bob.pk)) == 2
    # Heartbeats keep the survivors' places (and nobody else's).
    await drain(sockets[-1], 0.7)
    assert len(places(redis_db, bob)) == 2
    await close_quietly(alice_socket, *sockets[6:])


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=2, REALTIME_PRESENCE_INTERVAL=10)
async def test_places_of_a_process_that_died_are_forgotten(make_client, bob, couple, redis_db):
    """A daphne process killed without goodbyes leaves places no heartbeat
    refreshes: they do not count against the person's live sockets."""
    now_us = int(time.time() * 1_000_000)
    stale = now_us - 40 * 1_000_000  # three heartbeats (30 s) and more ago
    for n in range(2):
        redis_db.zadd(f"asgi:sockets:user.{bob.pk}:opened", {f"specific.dead!{n}": stale})
        redis_db.zadd(f"asgi:sockets:user.{bob.pk}:seen", {f"specific.dead!{n}": stale})
    bob_browser = await browser(make_client, bob)
    first, second = await open_socket(bob_browser), await open_socket(bob_browser)
    assert await first.receive_nothing(timeout=0.3)  # still live: the dead ones went
    assert len(places(redis_db, bob)) == 2
    assert not [m for m in places(redis_db, bob) if "dead" in m]
    await close_quietly(first, second)


@needs_redis
@override_settings(REALTIME_SOCKETS_PER_PERSON=1, REALTIME_PRESENCE_INTERVAL=0.2)
async def test_a_socket_that_lost_its_place_unheard_closes_at_its_heartbeat(
    make_client, bob, couple, redis_db
):
    """The "you were replaced" message can be lost (a full channel): the
    heartbeat finds the place taken and closes the socket all the same."""
    socket = await open_socket(await browser(make_client, bob))
    (channel,) = places(redis_db, bob)
    newer = int(time.time() * 1_000_000) + 1_000_000
    redis_db.zrem(f"asgi:sockets:user.{bob.pk}:opened", channel)
    redis_db.zadd(f"asgi:sockets:user.{bob.pk}:opened", {"specific.newer!x": newer})
    redis_db.zadd(f"asgi:sockets:user.{bob.pk}:seen", {"specific.newer!x": newer})
    assert await closed_with(socket, timeout=2) == CLOSE_REPLACED
    assert places(redis_db, bob) == ["specific.newer!x"]
    await close_quietly(socket)


async def test_the_in_process_places_keep_the_same_rules():
    """Development's in-memory layer (one process) counts in the process."""
    places_ = ProcessPlaces()
    taken = [await places_.take(7, f"c{n}", opened=None, cap=2, stale_after=30) for n in range(3)]
    assert taken[0].replaced == [] and taken[1].replaced == [] and taken[2].replaced == ["c0"]
    assert sorted(places_.people[7]) == ["c1", "c2"]
    # A heartbeat of the one that lost its place: it finds itself the oldest.
    again = await places_.take(7, "c0", opened=taken[0].opened, cap=2, stale_after=30)
    assert again.lost("c0") and sorted(places_.people[7]) == ["c1", "c2"]
    await places_.leave(7, "c1")
    assert (await places_.take(7, "c3", opened=None, cap=2, stale_after=30)).replaced == []


# --- across two daphne processes ---------------------------------------------------------


@pytest.fixture
def two_capped_servers():
    """Two daphne processes on the test database and the suite's Redis, cap 2."""
    with daphnes(2, REALTIME_SOCKETS_PER_PERSON="2") as ports:
        yield ports


async def next_text_or_close(socket, needle, timeout=5.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await socket.receive(timeout=max(0.1, deadline - loop.time()))
        if isinstance(frame, tuple) or needle in frame:
            return frame


@needs_redis
async def test_the_cap_holds_across_two_processes(
    two_capped_servers, make_client, alice, bob, couple, redis_db
):
    port_a, port_b = two_capped_servers
    bob_browser = await browser(make_client, bob)
    cookie = "; ".join(f"{k}={m.value}" for k, m in bob_browser.cookies.items())

    async def open_on(port):
        socket = await RawWebSocket.connect(
            "127.0.0.1", port, "/ws/space/", origin=f"http://127.0.0.1:{port}", cookie=cookie
        )
        assert 'data-kind="hello"' in await next_text_or_close(socket, 'data-kind="hello"')
        return socket

    first = await open_on(port_a)
    second = await open_on(port_b)
    third = await open_on(port_a)  # takes the place of the first (same process)
    assert await next_text_or_close(first, "never") == ("close", CLOSE_REPLACED)
    fourth = await open_on(port_a)  # takes the place of the second, on the OTHER process
    assert await next_text_or_close(second, "never") == ("close", CLOSE_REPLACED)
    assert len(places(redis_db, bob)) == 2

    await rename(alice, "Alicia")
    for socket in (third, fourth):
        frame = await next_text_or_close(socket, 'id="partner"')
        assert isinstance(frame, str) and "Alicia" in frame
    for socket in (first, second, third, fourth):
        await socket.close()
