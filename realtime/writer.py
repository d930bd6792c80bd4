"""Live frames, rendered once, in the process that made the change.

After a shared change commits, ``writer.submit`` hands it to a thread of this
process (off the response path: the POST that made the change has already
answered). The thread, for each change, in order:

1. takes a per-couple lock (PostgreSQL advisory lock, held for this render
   only), so the renders of one couple, from every process, happen one after
   another and each sees everything committed before it: a frame sent later is
   never older than one sent before it;
2. reads who the couple's current members are (an ended couple: nobody), from
   the rows just committed;
3. renders each changed part once per member, for that member's own eyes, from
   one read of the part's rows (``couples.parts.render_for_members``);
4. sends each member's ready frame to their ``user.<id>`` group, with a
   placeholder where each socket puts its own CSRF token.

A test holding the outer transaction open (pytest-django's ``django_db``,
capturing on-commit callbacks) would hide the rows from the thread's own
connection, so then, and only then, the change is rendered at once in the
caller's thread, on the caller's connection.
"""

import logging
import os
import queue
import threading

from django.db import close_old_connections, connection, transaction
from django.template.loader import render_to_string

from couples.access import space_for_couple
from couples.parts import new_csrf_placeholder, render_for_members

from . import broadcast
from .broadcast import CoupleChange
from .groups import user_group

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(class, object): this class holds "render couple <id>".
_LOCK_CLASS = 0x4347  # "CG"


def frame_event(change: CoupleChange, html: str, csrf: str) -> dict:
    """The channel-layer message carrying one member's ready frame."""
    return {
        "type": "frame",
        "couple": change.couple_id,
        "seq": change.seq,
        "parts": list(change.parts),
        "csrf": csrf,
        "html": html,
    }


def write(change: CoupleChange) -> dict[int, str]:
    """Render ``change`` for each current member and send it. Returns
    ``{user_id: html}`` (what was sent), for the tests that look."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, change.couple_id]
                )
        space = space_for_couple(change.couple_id)
        if space is None:
            return {}  # the couple ended: nobody receives its frames any more
        csrf = new_csrf_placeholder()
        marker = render_to_string("realtime/seq.html", {"seq": change.seq, "kind": "change"})
        frames = {
            user_id: f"{marker}\n{html}"
            for user_id, html in render_for_members(
                change.parts, space, csrf_placeholder=csrf
            ).items()
        }
        for user_id, html in frames.items():
            broadcast.send_rollback_unsafe(
                user_group(user_id), frame_event(change, html, csrf), loop=change.loop
            )
    return frames


class Writer:
    """One thread per process renders and sends, in the order changes committed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.queue = None
        self.pid = None

    def submit(self, change: CoupleChange) -> None:
        if connection.in_atomic_block:
            # Only this connection can see the rows (a test's outer transaction).
            self._write_safely(change)
            return
        self._queue().put(change)

    def _queue(self) -> queue.Queue:
        with self.lock:
            if self.queue is None or self.pid != os.getpid():  # none yet, or forked
                self.queue = queue.Queue()
                self.pid = os.getpid()
                threading.Thread(
                    target=self._run, args=(self.queue,), name="live-frames-writer", daemon=True
                ).start()
            return self.queue

    def _run(self, changes: queue.Queue) -> None:
        while True:
            change = changes.get()
            try:
                self._write_safely(change)
            finally:
                # Give the connection back (to psycopg's pool) between changes.
                close_old_connections()
                connection.close()
                changes.task_done()

    @staticmethod
    def _write_safely(change: CoupleChange) -> None:
        try:
            write(change)
        except Exception as error:  # a frame must never take the writer down
            # The kind of failure only: never content.
            logger.warning("live frame not rendered (%s)", type(error).__name__)

    def wait(self) -> None:
        """Block until every change submitted so far has been written (tests)."""
        with self.lock:
            changes = self.queue if self.pid == os.getpid() else None
        if changes is not None:
            changes.join()


writer = Writer()
