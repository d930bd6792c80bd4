"""Live sync across real processes, and with Redis failing.

- Two daphne processes share one Redis: bob on one, alice saving through the
  other, and bob's screen still updates.
- Redis stopped (a redis-server of this test's own, never the shared one):
  saves succeed, pages load, sockets close so the page shows "paused"; Redis
  back: sockets connect and pushes flow again, without restarting anything.
"""

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from asgiref.sync import sync_to_async
from django.conf import settings

from couples.models import Couple
from tests.realtime_support import RawWebSocket, close_quietly, communicator, frames_until
from tests.server_processes import (
    daphnes,
    free_port,
    wait_for_port,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_servers():
    """Two daphne processes on the test database and the suite's Redis."""
    with daphnes(2) as ports:
        yield ports


def cookies_of(client):
    return {name: morsel.value for name, morsel in client.cookies.items()}


async def signed_in(make_client, user):
    client = await sync_to_async(make_client)(user)
    await sync_to_async(client.get)("/")  # sets the CSRF cookie, as the open page did
    return client


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis channel layer")
async def test_change_through_one_process_reaches_partner_on_the_other(
    two_servers, make_client, alice, bob, couple
):
    port_a, port_b = two_servers
    alice_client, bob_client = (
        await signed_in(make_client, alice),
        await signed_in(make_client, bob),
    )
    bob_cookie = "; ".join(f"{k}={v}" for k, v in cookies_of(bob_client).items())
    bob_socket = await RawWebSocket.connect(
        "127.0.0.1", port_b, "/ws/space/", origin=f"http://127.0.0.1:{port_b}", cookie=bob_cookie
    )
    assert 'data-kind="hello"' in await bob_socket.receive()

    cookies = cookies_of(alice_client)
    response = await asyncio.to_thread(
        requests.post,
        f"http://127.0.0.1:{port_a}/accounts/profile/",
        data={"display_name": "Alicia", "csrfmiddlewaretoken": cookies["csrftoken"]},
        cookies=cookies,
        headers={"Origin": f"http://127.0.0.1:{port_a}"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302

    deadline = time.monotonic() + 5
    while True:
        frame = await bob_socket.receive(timeout=max(0.1, deadline - time.monotonic()))
        if isinstance(frame, str) and 'id="partner"' in frame:
            break
    assert "Alicia" in frame
    await bob_socket.close()


# --- Redis down -------------------------------------------------------------------------


class OwnRedis:
    """A redis-server of this test's own (the shared one on 6379 is never touched)."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = OwnRedis()
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis.url], "capacity": 1000, "expiry": 30},
        }
    }
    settings.REALTIME_PRESENCE_INTERVAL = 0.3
    yield redis
    redis.stop()


async def wait_closed(socket, timeout):
    """The socket's end: a close frame, or the consumer failing (both end the page's socket)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            output = await socket.receive_output(timeout=max(0.05, remaining))
        except TimeoutError:
            raise AssertionError("the socket stayed open without its channel layer") from None
        except Exception as error:  # the consumer died with the layer: daphne closes 1011
            return type(error).__name__
        if output["type"] == "websocket.close":
            return output["code"]


async def test_redis_down_saves_and_pages_work_then_live_again_when_back(
    own_redis, make_client, alice, bob, couple
):
    alice_client, bob_client = (
        await signed_in(make_client, alice),
        await signed_in(make_client, bob),
    )
    bob_socket = communicator(bob_client)
    assert (await bob_socket.connect(timeout=5))[0]
    await frames_until(bob_socket, 'data-kind="hello"')

    own_redis.stop()

    response = await sync_to_async(alice_client.post)(
        "/accounts/profile/", {"display_name": "Saved anyway"}
    )
    assert response.status_code == 302  # the save succeeded
    assert (await sync_to_async(Couple.objects.get)(pk=couple.pk)).seq == 1
    page = await sync_to_async(bob_client.get)("/")
    assert page.status_code == 200 and "Saved anyway" in page.content.decode()
    assert (await sync_to_async(bob_client.get)("/parts/space/")).status_code == 200

    # The open socket ends (the page shows "paused" and retries) ...
    ended = await wait_closed(bob_socket, timeout=5)
    assert ended in {
        1013,
        1011,
        "ConnectionError",
        "ConnectionRefusedError",
        "OSError",
    }
    await close_quietly(bob_socket)
    # ... and a new one cannot stay open while Redis is down.
    retry = communicator(bob_client)
    try:
        connected, _ = await retry.connect(timeout=5)
    except Exception:
        connected = False
    if connected:
        await wait_closed(retry, timeout=5)
    await close_quietly(retry)

    own_redis.start()  # same port, same settings: nothing restarted on our side

    # The page retries (back-off capped at 4 s); the layer's first command may
    # still meet a connection from before the outage, so allow a few attempts.
    hello = None
    for _attempt in range(10):
        bob_socket = communicator(bob_client)
        if (await bob_socket.connect(timeout=5))[0]:
            first = await bob_socket.receive_output(timeout=5)
            if first["type"] == "websocket.send":
                hello = first["text"]
                break
        await close_quietly(bob_socket)
        await asyncio.sleep(0.5)
    assert hello is not None and 'data-kind="hello"' in hello
    assert 'data-seq="1"' in hello  # the page sees it missed a push and refetches
    await sync_to_async(alice_client.post)("/accounts/profile/", {"display_name": "Live again"})
    frame = (await frames_until(bob_socket, 'id="partner"', timeout=3))[-1]
    assert "Live again" in frame
    await close_quietly(bob_socket)
