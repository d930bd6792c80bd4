"""The channel layer keeps nothing for a socket that has gone (realtime/layer.py)."""

import asyncio

import pytest
from django.conf import settings

from realtime.layer import RedisChannelLayer

pytestmark = pytest.mark.asyncio


def make_layer():
    config = settings.CHANNEL_LAYERS["default"]
    assert config["BACKEND"] == "realtime.layer.RedisChannelLayer"
    return RedisChannelLayer(**config["CONFIG"], prefix="test-layer")


async def test_reads_wait_longer_than_the_blocking_pop_they_read():
    """A socket's receive is a BZPOPMIN the server ends after ``brpop_timeout``;
    redis-py 8 gives up reading after 5 s by default, which races it and closes
    healthy sockets (django/channels_redis#422; seen in bench/sync_latency.py)."""
    layer = make_layer()
    connection = layer.connection(0).connection_pool.make_connection()
    assert connection.socket_timeout is not None  # a silent Redis is still noticed
    assert connection.socket_timeout >= 2 * layer.brpop_timeout


async def test_a_released_channel_keeps_no_buffer():
    layer = make_layer()
    gone = await layer.new_channel()
    layer.receive_buffer[gone].put_nowait({"type": "unread"})
    layer.release(gone)
    assert gone not in layer.receive_buffer
    # A message that reaches it later (channels-redis's own put) is not kept ...
    layer.receive_buffer[gone].put_nowait({"type": "late"})
    assert gone not in layer.receive_buffer
    # ... and channels-redis deleting its buffer again does not fail.
    del layer.receive_buffer[gone]


async def test_a_group_message_reaching_a_released_channel_is_dropped():
    layer = make_layer()
    gone, alive = await layer.new_channel(), await layer.new_channel()
    try:
        await layer.group_add("g", gone)
        await layer.group_add("g", alive)
        layer.release(gone)  # left without leaving the group: the message is still sent to it
        await layer.group_send("g", {"type": "hello"})
        assert await asyncio.wait_for(layer.receive(alive), 5) == {"type": "hello"}
        assert gone not in layer.receive_buffer
        assert alive not in layer.receive_buffer  # emptied by its receive
    finally:
        await layer.flush()


async def test_a_released_channel_leaves_the_groups_its_consumer_did_not():
    layer = make_layer()
    gone, left, alive = [await layer.new_channel() for _ in range(3)]
    try:
        for channel in (gone, left, alive):
            await layer.group_add("g", channel)
        await layer.group_discard("g", left)
        layer.release(left)  # left on its own: nothing more to do
        layer.release(gone)  # its consumer failed before leaving
        await asyncio.gather(*layer.leaving)
        members = await layer.connection(0).zrange(layer._group_key("g"), 0, -1)
        assert [member.decode() for member in members] == [alive]
        assert layer.groups_of == {alive: {"g"}}
    finally:
        await layer.flush()
