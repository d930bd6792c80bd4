"""The channel layer of the Redis setup: channels-redis's, minus a leak.

channels-redis (4.3) buffers, in the process, every message it pulls from Redis
for one of the process's channels in ``receive_buffer[channel]`` until a
``receive()`` on that channel takes it, and drops a buffer only when a receive
empties it or a waiting receive is cancelled. Every message that reaches a
channel whose consumer has finished (frames it had not read yet, and those
still on their way: a group message sent while it was a member, a partner's
direct reply, arriving up to ~20 s later under load) stays in memory for good
(django/channels_redis#384): about 5 KB per closed dashboard socket.

Here a consumer calls ``release(channel)`` once it has stopped reading: the
channel's buffer goes, messages that reach it later are dropped on arrival, and
it leaves any group it is still in (a consumer that failed mid-handler never
ran its own ``group_discard``; channels-redis keeps group members for a day,
so every later group message would fill a new buffer up to ``capacity``).
"""

import asyncio
import collections
import logging
import time

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer

logger = logging.getLogger(__name__)


class _ReceiveBuffers(collections.defaultdict):
    """``receive_buffer`` that keeps nothing for a released channel."""

    def __init__(self, default_factory, keep_seconds):
        super().__init__(default_factory)
        self.keep_seconds = keep_seconds
        self.released = {}  # channel -> monotonic time it was released, oldest first

    def release(self, channel):
        now = time.monotonic()
        self.pop(channel, None)
        self.released[channel] = now
        # Forget releases older than any message still on its way could be.
        while self.released:
            oldest, at = next(iter(self.released.items()))
            if now - at <= self.keep_seconds:
                break
            del self.released[oldest]

    def __missing__(self, channel):
        if channel in self.released:
            return self.default_factory()  # a message for a socket that has gone: not kept
        return super().__missing__(channel)

    def __delitem__(self, channel):
        # channels-redis deletes a channel's buffer when its receive is cancelled;
        # a released channel's may already be gone.
        self.pop(channel, None)


class RedisChannelLayer(BaseRedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Messages older than ``expiry`` are stale to channels-redis itself.
        self.receive_buffer = _ReceiveBuffers(self.receive_buffer.default_factory, 2 * self.expiry)
        self.groups_of = {}  # channel of this process -> the groups it joined
        self.leaving = set()  # group discards of released channels, still running

    async def group_add(self, group, channel):
        if "!" in channel:  # one of this process's channels (noted first: Redis may fail)
            self.groups_of.setdefault(channel, set()).add(group)
        await super().group_add(group, channel)

    async def group_discard(self, group, channel):
        await super().group_discard(group, channel)
        groups = self.groups_of.get(channel)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self.groups_of[channel]

    def release(self, channel):
        """``channel``'s consumer reads no more: drop what is buffered for it
        now and whatever reaches it later, and take it out of its groups."""
        self.receive_buffer.release(channel)
        groups = self.groups_of.pop(channel, None)
        if groups:
            task = asyncio.ensure_future(self._leave(channel, groups))
            self.leaving.add(task)
            task.add_done_callback(self.leaving.discard)

    async def _leave(self, channel, groups):
        for group in groups:
            try:
                await BaseRedisChannelLayer.group_discard(self, group, channel)
            except Exception as error:  # Redis down: the member expires with the group
                logger.warning(
                    "released channel could not leave a group (%s)", type(error).__name__
                )


def release_channel(layer, channel):
    """Call when a consumer has stopped reading its channel (after
    ``AsyncConsumer.__call__`` returned or raised). No-op for other layers (the
    in-memory layer expires its own queues)."""
    release = getattr(layer, "release", None)
    if release is not None and channel is not None:
        release(channel)
