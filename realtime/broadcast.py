"""What services call to have a change pushed to open dashboards.

Every push is asked for inside the service's transaction and happens only
after it commits (``transaction.on_commit``): a rolled-back save sends
nothing, and the partner never reads a row that is not there yet.

    broadcast.part_changed(couple=space.couple, parts=["statements"])   # both partners
    broadcast.own_part_changed(user=author, parts=["reflections"])      # own devices only

Shared parts are rendered once, in the writer (``realtime.writer``): after
commit, off the response path, each changed part is rendered once for each
current member of the couple, for that member's own eyes, and the ready HTML
goes to that member's ``user.<id>`` group. Who receives is decided there, from
the rows just committed. The sockets only put their own CSRF token in.

Private parts (``scope="user"``: reflections, my own answers) and the whole
dashboard body (linking, unlinking) travel the other way: a small hint to the
person's own ``user.<id>`` group, and each of their sockets renders the part
for its own session (the journal's re-authentication is per device). Their
HTML never crosses Redis.

A failed send (Redis down) is logged without content and never fails the save:
the pages notice the gap (sequence number) or the reconnect and refetch.
"""

import asyncio
import logging
import os
import threading
import weakref
from dataclasses import dataclass

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from couples.models import Couple
from couples.parts import COUPLE, PARTS, SPACE

from .groups import user_group

logger = logging.getLogger(__name__)

# Parts that exist outside the registry but travel to a person's own devices.
EXTRA_USER_PARTS = {SPACE}


class PartScopeError(ValueError):
    """A part was asked to travel where it must never go (or does not exist)."""


def _check_parts(parts, *, for_couple):
    names = list(dict.fromkeys(parts))
    if not names:
        raise PartScopeError("Name at least one part.")
    for name in names:
        if name in EXTRA_USER_PARTS and not for_couple:
            continue
        part = PARTS.get(name)
        if part is None:
            raise PartScopeError(f"Unknown dashboard part {name!r}.")
        if for_couple and part.scope != COUPLE:
            # A private part (reflections) must never be rendered for the partner.
            raise PartScopeError(f"Part {name!r} is {part.scope}-scoped: never sent to a couple.")
    return names


def next_seq(couple_id: int) -> int:
    """Bump and return the couple's sequence number, in the caller's transaction.

    One ``UPDATE ... RETURNING``: the row lock it takes orders concurrent
    changes, so two saves never share a number.
    """
    table = connection.ops.quote_name(Couple._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = seq + 1 WHERE id = %s RETURNING seq", [couple_id])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise Couple.DoesNotExist(f"couple {couple_id}")
    return row[0]


@dataclass(frozen=True)
class CoupleChange:
    """One committed change of shared parts, for the writer to render."""

    couple_id: int
    parts: tuple
    seq: int
    # The ASGI server's event loop when the save ran inside one (the in-memory
    # layer of the development server lives there); None elsewhere.
    loop: object = None


def part_changed(*, couple, parts) -> int:
    """Both partners' dashboards (and the author's other devices) should show
    the new state of ``parts``.

    Call inside the service's ``transaction.atomic`` block, after the write.
    Only couple-scoped parts: a user-scoped part raises ``PartScopeError``.
    """
    from .writer import writer

    names = _check_parts(parts, for_couple=True)
    couple_id = getattr(couple, "pk", couple)
    seq = next_seq(couple_id)
    change = CoupleChange(couple_id=couple_id, parts=tuple(names), seq=seq, loop=_asgi_loop())
    transaction.on_commit(lambda: writer.submit(change))
    return seq


def own_part_changed(*, user, parts) -> None:
    """The person's own other devices should show the new state of ``parts``
    (user-scoped parts such as private reflections go only this way): a hint
    each of their sockets renders for its own session."""
    names = _check_parts(parts, for_couple=False)
    user_id = getattr(user, "pk", user)
    event = {"type": "space.changed", "parts": names, "seq": None, "couple": None}
    transaction.on_commit(lambda: send_rollback_unsafe(user_group(user_id), event))


def space_switched(*, users) -> None:
    """Each person's dashboard switches state (linked / not linked): their
    sockets re-check membership, join or leave the couple group and re-render."""
    for user in users:
        own_part_changed(user=user, parts=[SPACE])


def session_changed(*, user, ended_session_key=None) -> None:
    """The person's sessions may have ended (logout, password change): their
    sockets re-check their session and close if it is no longer valid.
    ``ended_session_key`` names a session known to be ending right now (logout
    sends its signal before the session is flushed)."""
    user_id = getattr(user, "pk", user)
    event = {"type": "session.check", "ended": ended_session_key or ""}
    # A logout announces its session, then its UserSession row goes (which
    # announces it again): one event per person and session per transaction.
    # (Outside a transaction each is sent at once; a second check is harmless.)
    key = (user_id, event["ended"])
    if any(getattr(queued[1], "session_check", None) == key for queued in connection.run_on_commit):
        return

    def send():
        send_rollback_unsafe(user_group(user_id), event)

    send.session_check = key
    transaction.on_commit(send)


def send_rollback_unsafe(group: str, event: dict, *, loop=None) -> bool:
    """Send now, whatever happens to the current transaction. Only for
    ``on_commit`` callbacks, the writer (after commit), or events that describe
    no database write. ``loop``: the ASGI server loop the in-memory layer lives on.

    Never raises: live updates are a convenience on top of the saved truth.
    """
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        _run(layer, layer.group_send(group, event), loop=loop)
    except Exception as error:  # a push must never fail a save
        # The kind of failure only: never the event's content.
        logger.warning("live update not sent (%s)", type(error).__name__)
        return False
    return True


# --- sending from plain (WSGI or writer) threads ------------------------------------
#
# ``async_to_sync`` outside an ASGI server starts a new event loop for every
# call, and channels-redis keeps its connections per event loop: every save
# served by gunicorn would open (and drop) a fresh Redis connection, ~4 ms of
# the POST. Such threads hand their sends to one long-lived event loop per
# process instead, whose connections are reused. The in-memory layer of the
# development server is not thread-safe: its sends go to the server's own loop.

SEND_TIMEOUT = 5.0  # seconds; a stuck Redis must not hold a thread for long


class _SendLoop:
    def __init__(self):
        self.lock = threading.Lock()
        self.loop = None
        self.pid = None
        self.layers = weakref.WeakSet()  # layers that hold connections on this loop

    def get(self):
        with self.lock:
            if self.loop is None or self.pid != os.getpid():  # none yet, or forked
                self.loop = asyncio.new_event_loop()
                self.pid = os.getpid()
                self.layers = weakref.WeakSet()
                threading.Thread(
                    target=self.loop.run_forever, name="live-updates-sender", daemon=True
                ).start()
            return self.loop

    def run(self, layer, coroutine):
        self.layers.add(layer)
        future = asyncio.run_coroutine_threadsafe(coroutine, self.get())
        try:
            return future.result(timeout=SEND_TIMEOUT)
        except BaseException:
            future.cancel()
            raise

    def close_connections(self):
        """Close the connections held on the sender loop (tests swap layers)."""
        with self.lock:
            loop, layers = self.loop, list(self.layers)
        if loop is None or self.pid != os.getpid():
            return
        for layer in layers:
            closing = asyncio.run_coroutine_threadsafe(layer.close_pools(), loop)
            closing.result(timeout=SEND_TIMEOUT)
        self.layers = weakref.WeakSet()


_sender = _SendLoop()
close_sender_connections = _sender.close_connections


def _asgi_loop():
    """The ASGI server's event loop, when this is one of its sync threads."""
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(local, "main_event_loop", None)


def _keeps_connections_per_loop(layer):
    try:
        from channels_redis.core import RedisChannelLayer
    except ImportError:  # pragma: no cover  channels-redis is a dependency
        return False
    return isinstance(layer, RedisChannelLayer)


def _run(layer, coroutine, *, loop=None):
    if _keeps_connections_per_loop(layer):
        if _asgi_loop() is not None:
            return async_to_sync(_await)(coroutine)  # the server's own loop and connections
        return _sender.run(layer, coroutine)
    loop = loop or _asgi_loop()
    if loop is not None and loop.is_running() and _asgi_loop() is None:
        # A writer thread, for the development server's in-memory layer.
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=SEND_TIMEOUT)
    return async_to_sync(_await)(coroutine)


async def _await(coroutine):
    return await coroutine
