"""How many live sockets one person holds, counted across every process.

Each socket of a person takes a place (``REALTIME_SOCKETS_PER_PERSON``, default
8: a phone, a laptop, a few tabs). A socket that opens when the places are full
takes the place of that person's OLDEST socket, which is told to close (4429:
the page shows "paused" and does not reconnect by itself). Without a cap, one
account opening hundreds of sockets made every push to that person hundreds of
frames, and the presence heartbeats of their couple grew with the square of the
count (each socket's heartbeat reaches every socket of the couple): another
couple's pages slowed from 17 ms to 400-700 ms (docs/benchmarks.md).

With the Redis channel layer the places are two sorted sets per person in the
layer's Redis, shared by every daphne process: when each socket opened, and
when it was last heard from. One Lua script (atomic: two processes never both
take the last place) forgets sockets not heard from for ``stale_after`` seconds
(a process that died without saying goodbye), adds or refreshes this socket,
and returns the oldest beyond the cap. Every heartbeat runs the same script
again: it refreshes the socket and the keys' expiry, and a socket that finds it
has lost its place (the message telling it so was lost) closes itself.
With the in-memory layer (development: one process) the same bookkeeping lives
in the layer's process.
"""

import time
from dataclasses import dataclass, field

# KEYS[1]: opened (channel -> µs it opened), KEYS[2]: seen (channel -> µs last heard)
# ARGV: channel, opened µs ("" = now), cap, stale_after µs, ttl seconds
# Returns {opened µs of this channel, {channels that lose their place}}.
TAKE_PLACE = """
local t = redis.call('TIME')
-- Numbers go to Redis as strings written in full (Lua's own would round to 14 digits).
local function str(n) return string.format('%.0f', n) end
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', str(now - tonumber(ARGV[4])))
for _, member in ipairs(stale) do
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZREM', KEYS[2], member)
end
local opened = now
if ARGV[2] ~= '' then opened = tonumber(ARGV[2]) end
redis.call('ZADD', KEYS[1], str(opened), ARGV[1])
redis.call('ZADD', KEYS[2], str(now), ARGV[1])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
local replaced = {}
if over > 0 then
  replaced = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  for _, member in ipairs(replaced) do
    redis.call('ZREM', KEYS[1], member)
    redis.call('ZREM', KEYS[2], member)
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {str(opened), replaced}
"""

LEAVE_PLACE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
"""


@dataclass
class Place:
    """A socket's place among its person's: when it opened (the registry's clock)."""

    opened: int
    replaced: list = field(default_factory=list)  # channels that lost their place to it

    def lost(self, channel):
        return channel in self.replaced


class RedisPlaces:
    """The places in the channel layer's Redis (realtime/layer.py's layer)."""

    def __init__(self, layer):
        self.layer = layer

    def _keys(self, user_id):
        base = f"{self.layer.prefix}:sockets:user.{int(user_id)}"
        return [f"{base}:opened", f"{base}:seen"]

    def _connection(self, user_id):
        return self.layer.connection(self.layer.consistent_hash(f"user.{int(user_id)}"))

    async def take(self, user_id, channel, *, opened, cap, stale_after):
        connection = self._connection(user_id)
        ttl = max(1, int(stale_after * 2))
        opened_at, replaced = await connection.register_script(TAKE_PLACE)(
            keys=self._keys(user_id),
            args=[
                channel,
                "" if opened is None else str(opened),
                cap,
                int(stale_after * 1_000_000),
                ttl,
            ],
        )
        return Place(int(opened_at), [name.decode() for name in replaced])

    async def leave(self, user_id, channel):
        connection = self._connection(user_id)
        await connection.register_script(LEAVE_PLACE)(keys=self._keys(user_id), args=[channel])


class ProcessPlaces:
    """The same bookkeeping in this process (the in-memory layer is one process)."""

    def __init__(self):
        self.people = {}  # user id -> {channel: [opened µs, seen µs]}

    async def take(self, user_id, channel, *, opened, cap, stale_after):
        now = time.monotonic_ns() // 1000
        sockets = self.people.setdefault(user_id, {})
        for name, (_, seen) in list(sockets.items()):
            if seen <= now - stale_after * 1_000_000:
                del sockets[name]
        opened = now if opened is None else opened
        sockets[channel] = [opened, now]
        oldest_first = sorted(sockets, key=lambda name: (sockets[name][0], name))
        replaced = oldest_first[: max(0, len(sockets) - cap)]
        for name in replaced:
            del sockets[name]
        return Place(opened, replaced)

    async def leave(self, user_id, channel):
        sockets = self.people.get(user_id, {})
        sockets.pop(channel, None)
        if not sockets:
            self.people.pop(user_id, None)


def places_for(layer):
    """The registry that goes with ``layer``: shared through Redis, or this process's."""
    places = getattr(layer, "socket_places", None)
    if places is None:
        places = RedisPlaces(layer) if hasattr(layer, "consistent_hash") else ProcessPlaces()
        layer.socket_places = places
    return places
