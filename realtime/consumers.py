"""One socket per open dashboard.

Connect: accept, then close with 4401 unless the session names a signed-in
person. Signed-in people join ``user.<id>`` (their own devices: everything
addressed to them arrives there) and, while linked, ``couple.<id>`` (presence
only).

Two kinds of message reach a socket:

- ``frame``: shared parts already rendered for this person by the writer
  (realtime.writer), after the change committed. The socket does no database
  work: it drops a frame of a couple it no longer follows, puts its own
  browser's CSRF token in place of the frame's placeholder, and forwards it.
- hints (``space.changed`` for private parts and the whole dashboard body,
  ``session.check`` after a logout or password change): the socket re-checks
  its session and couple from the database, follows its couple group, and
  renders private parts for its own session (couples.parts.render_named_part).

Validity travels by event (logout, password change, unlink, deletion end or
re-route sockets at once); every ``RECHECK_BEATS`` heartbeats a socket also
re-checks its session on its own, as a backstop.

Each person holds at most ``REALTIME_SOCKETS_PER_PERSON`` live sockets, counted
across every process (realtime/devices.py): a new socket takes the place of the
person's oldest, which closes with 4429 (the page does not reconnect by itself).
Every heartbeat refreshes the socket's place.

Presence needs no shared store: sockets announce themselves to the couple
group (hello on join, here every few seconds, bye on leave) and each socket
counts its partner's live sockets (several devices), forgetting one that has
not been heard from for a few heartbeats.
"""

import asyncio
import contextlib
import logging
import random

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import rendering
from .devices import places_for
from .groups import couple_group, user_group
from .layer import release_channel

logger = logging.getLogger(__name__)

CLOSE_SIGNED_OUT = 4401  # no valid session: the page must not reconnect
CLOSE_TRY_AGAIN = 1013  # the channel layer (Redis) failed: the page reconnects
# A newer socket of the same person took this one's place (too many open at once):
# the page says live updates are paused here and does not reconnect by itself.
CLOSE_REPLACED = 4429
# The backstop re-check of the session, every this many heartbeats (~1 minute).
RECHECK_BEATS = 4


def presence_interval():
    # A clean leave says "bye" at once, and daphne's own pings notice a vanished
    # browser; the heartbeat only covers a server process that died. Every socket
    # sends one per interval to its couple, so this is the idle cost of an open
    # dashboard: 15 s keeps 1,000 sockets from eating a core (docs/benchmarks.md).
    return float(getattr(settings, "REALTIME_PRESENCE_INTERVAL", 15.0))


def sockets_per_person():
    # Devices, not tabs: each live socket of a person costs a frame per push and a
    # heartbeat that reaches every socket of the couple (docs/decisions.md).
    return max(1, int(getattr(settings, "REALTIME_SOCKETS_PER_PERSON", 8)))


def place_stale_after():
    # A place not refreshed for three heartbeats belonged to a process that died.
    return 3 * presence_interval()


class SpaceConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # This socket's channel reads no more: what is buffered for it, and
            # what reaches it later, would stay in memory for good (realtime/layer.py).
            release_channel(self.channel_layer, getattr(self, "channel_name", None))

    async def connect(self):
        self.user_id = None
        self.couple_id = None
        self.partner_channels = {}  # partner's socket channel -> monotonic expiry
        self.heartbeat = None
        self.ended = False
        self.csrf_secret = None
        self.language = None  # what this socket's person reads (realtime.rendering)
        self.opened = None  # this socket's place among its person's (realtime/devices.py)
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        self.user_id = user.pk
        state = await self.load_state()
        if state is None:
            await self.end(CLOSE_SIGNED_OUT)
            return
        self.csrf_secret = state.csrf_secret
        self.language = rendering.socket_language(self.scope, state.user)
        # Twice: the first command after Redis came back may meet a pooled
        # connection from before the outage.
        for attempt in (1, 2):
            try:
                if not await self.take_place():
                    await self.end(CLOSE_REPLACED)
                    return
                await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
                await self.follow(state)
                break
            except Exception as error:  # Redis down: the page retries later
                if attempt == 2:
                    logger.warning(
                        "live socket could not join its groups (%s)", type(error).__name__
                    )
                    await self.end(CLOSE_TRY_AGAIN)
                    return
        await self.send(text_data=await database_sync_to_async(rendering.render_hello)(state))
        self.heartbeat = asyncio.create_task(self.beat())

    async def disconnect(self, code):
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if not self.ended:
            await self.leave_groups()

    # --- events from the channel layer -------------------------------------

    async def frame(self, event):
        """``{"type": "frame", "couple": id, "seq": n, "parts": [...], "csrf": placeholder,
        "html": ...}``: shared parts rendered for this person by the writer."""
        if self.ended or event["couple"] != self.couple_id:
            return  # a frame of a couple this socket no longer follows
        html = event["html"].replace(event["csrf"], rendering.csrf_token(self.csrf_secret))
        if "partner" in event["parts"]:
            html = f"{html}\n{rendering.presence_html(self.partner_present, self.language)}"
        await self.send(text_data=html)

    async def space_changed(self, event):
        """``{"type": "space.changed", "parts": [...], "seq": N|None, "couple": id|None}``"""
        if self.ended:
            return
        state, html = await database_sync_to_async(rendering.load_state_and_frame)(
            self.scope,
            self.user_id,
            event,
            couple_id=self.couple_id,
            partner_present=self.partner_present,
        )
        if state is None:
            await self.end(CLOSE_SIGNED_OUT)
            return
        await self.follow(state)
        if html:
            await self.send(text_data=html)

    async def session_check(self, event):
        """Logout or password change: close if this socket's session ended."""
        if self.ended:
            return
        if event.get("ended") and event["ended"] == self.session_key:
            await self.end(CLOSE_SIGNED_OUT)
            return
        await self.checked_state()

    async def socket_replaced(self, event):
        """A newer socket of this person took this one's place."""
        if not self.ended:
            await self.end(CLOSE_REPLACED)

    async def presence(self, event):
        if self.ended or event["couple"] != self.couple_id or event["user"] == self.user_id:
            return
        was_present = self.partner_present
        if event["kind"] == "bye":
            self.partner_channels.pop(event["channel"], None)
        else:
            expiry = asyncio.get_running_loop().time() + 2.5 * presence_interval()
            self.partner_channels[event["channel"]] = expiry
            if event["kind"] == "hello":
                # Tell the newcomer we are here too, without waiting for a heartbeat.
                # A full queue: the newcomer hears our next heartbeat instead.
                with contextlib.suppress(ChannelFull):
                    await self.channel_layer.send(event["channel"], self.presence_event("here"))
        await self.push_presence(was_present)

    # --- helpers -------------------------------------------------------------

    @property
    def partner_present(self):
        return bool(self.partner_channels)

    def presence_event(self, kind):
        return {
            "type": "presence",
            "couple": self.couple_id,
            "user": self.user_id,
            "channel": self.channel_name,
            "kind": kind,
        }

    async def load_state(self):
        return await database_sync_to_async(rendering.load_state)(self.scope, self.user_id)

    async def checked_state(self):
        """The person's state now; closes the socket (and returns None) if their
        session ended, and moves between couple groups if their couple changed."""
        state = await self.load_state()
        if state is None:
            await self.end(CLOSE_SIGNED_OUT)
            return None
        await self.follow(state)
        return state

    async def follow(self, state):
        """Be in exactly the couple group of the person's current couple."""
        if state.couple_id == self.couple_id:
            return
        if self.couple_id is not None:
            await self.channel_layer.group_send(
                couple_group(self.couple_id), self.presence_event("bye")
            )
            await self.channel_layer.group_discard(couple_group(self.couple_id), self.channel_name)
            self.partner_channels.clear()
        self.couple_id = state.couple_id
        if self.couple_id is not None:
            await self.channel_layer.group_add(couple_group(self.couple_id), self.channel_name)
            await self.channel_layer.group_send(
                couple_group(self.couple_id), self.presence_event("hello")
            )

    async def take_place(self):
        """Take (or refresh) this socket's place among its person's sockets and
        tell the sockets it displaces to close. False if this socket has no
        place any more (a newer one took it and the message did not reach us)."""
        place = await places_for(self.channel_layer).take(
            self.user_id,
            self.channel_name,
            opened=self.opened,
            cap=sockets_per_person(),
            stale_after=place_stale_after(),
        )
        self.opened = place.opened
        for channel in place.replaced:
            if channel != self.channel_name:
                # A full queue: that socket finds out at its next heartbeat.
                with contextlib.suppress(ChannelFull):
                    await self.channel_layer.send(channel, {"type": "socket.replaced"})
        return not place.lost(self.channel_name)

    async def push_presence(self, was_present):
        if self.partner_present == was_present or self.couple_id is None:
            return
        await self.send(text_data=rendering.presence_html(self.partner_present, self.language))

    async def beat(self):
        """Heartbeat: keep the partner's presence mark alive, forget silent
        sockets, and notice a lost channel layer (then close so the page retries)."""
        interval = presence_interval()
        # Each socket's backstop re-check at its own phase: sockets opened
        # together (a deploy, a benchmark) do not all re-check at once.
        beats = random.randrange(RECHECK_BEATS)
        while True:
            await asyncio.sleep(interval)
            beats += 1
            try:
                if not await self.take_place():
                    self.heartbeat = None
                    await self.end(CLOSE_REPLACED)
                    return
                if beats % RECHECK_BEATS == 0 and await self.checked_state() is None:
                    return  # the session ended without an event reaching us: closed
                if self.couple_id is not None:
                    await self.channel_layer.group_send(
                        couple_group(self.couple_id), self.presence_event("here")
                    )
                now = asyncio.get_running_loop().time()
                was_present = self.partner_present
                self.partner_channels = {
                    channel: expiry
                    for channel, expiry in self.partner_channels.items()
                    if expiry > now
                }
                await self.push_presence(was_present)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("live socket lost its channel layer (%s)", type(error).__name__)
                self.heartbeat = None
                await self.end(CLOSE_TRY_AGAIN)
                return

    async def leave_groups(self):
        try:
            if self.couple_id is not None:
                # Out of the group first: the bye must not come back to this
                # channel, which stops reading now (realtime/layer.py).
                await self.channel_layer.group_discard(
                    couple_group(self.couple_id), self.channel_name
                )
                await self.channel_layer.group_send(
                    couple_group(self.couple_id), self.presence_event("bye")
                )
            if self.user_id is not None:
                await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
            if self.opened is not None:
                await places_for(self.channel_layer).leave(self.user_id, self.channel_name)
        except Exception as error:  # Redis down: the group entries expire
            logger.warning("live socket could not leave its groups (%s)", type(error).__name__)

    async def end(self, code):
        """Leave every group first, so no further frame reaches this socket, then close."""
        if self.ended:
            return
        self.ended = True
        if self.heartbeat is not None and self.heartbeat is not asyncio.current_task():
            self.heartbeat.cancel()
        await self.leave_groups()
        self.couple_id = None
        await self.close(code=code)
