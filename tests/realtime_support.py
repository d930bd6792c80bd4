"""Helpers for the live-sync tests: sockets on the full ASGI app, with a
browser's Origin, Host and cookies."""

import asyncio
import base64
import contextlib
import os
import re
import struct

from channels.testing import WebsocketCommunicator

from config.asgi import application

ORIGIN = b"http://127.0.0.1"
SEQ_RE = re.compile(r'id="live-seq" data-seq="(\d*)" data-kind="(\w+)"')


def cookie_header(client):
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items()).encode()


def communicator(client=None, *, origin=ORIGIN, path="/ws/space/"):
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    if client is not None:
        headers.append((b"cookie", cookie_header(client)))
    return WebsocketCommunicator(application, path, headers=headers)


async def open_socket(client, *, hello=True):
    """A connected dashboard socket (its hello frame already read)."""
    socket = communicator(client)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    if hello:
        first = await socket.receive_from(timeout=5)
        assert 'data-kind="hello"' in first
    return socket


async def frames_until(socket, needle, *, timeout=2.0):
    """Read frames until one contains ``needle``; returns every frame read."""
    seen = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no frame with {needle!r} within {timeout}s; got {seen!r}")
        frame = await socket.receive_from(timeout=remaining)
        seen.append(frame)
        if needle in frame:
            return seen


async def drain(socket, seconds=0.3):
    """Read and return whatever frames arrive within ``seconds``."""
    frames = []
    while not await socket.receive_nothing(timeout=seconds):
        frames.append(await socket.receive_from(timeout=1))
    return frames


async def close_quietly(*sockets):
    for socket in sockets:
        with contextlib.suppress(Exception):  # already closed by the server
            await socket.disconnect(timeout=0.1)


class RawWebSocket:
    """A minimal websocket client for tests against real server processes
    (no client library is installed): text frames only, enough to read pushes."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, host, port, path, *, origin, cookie):
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\nCookie: {cookie}\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        status = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise ConnectionError(status.decode(errors="replace"))
        return cls(reader, writer)

    async def receive(self, timeout=5.0):
        """The next text frame, or ``("close", code)``."""

        async def read():
            head = await self.reader.readexactly(2)
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            if opcode == 8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return ("close", code)
            return payload.decode()

        return await asyncio.wait_for(read(), timeout)

    async def close(self):
        mask = os.urandom(4)
        payload = struct.pack("!H", 1000)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        try:
            self.writer.write(bytes([0x88, 0x80 | len(payload)]) + mask + masked)
            await self.writer.drain()
        except ConnectionError:
            pass
        self.writer.close()


# --- the page as a browser would hold it after frames (zulip's verify_action) -----

XHTML = "{http://www.w3.org/1999/xhtml}"


def _by_id(root, element_id):
    return next((el for el in root.iter() if el.get("id") == element_id), None)


def apply_frames(page_html, frames):
    """The page after the htmx ws extension swapped in each frame's top-level
    elements by ``id`` (an element the page lacks is dropped, as live.js does)."""
    import tinyhtml5

    root = tinyhtml5.parse(page_html)
    for frame in frames:
        body = tinyhtml5.parse(frame).find(f"{XHTML}body")
        for new in list(body):
            old = _by_id(root, new.get("id") or "")
            if old is None:
                continue
            parent = next(el for el in root.iter() if old in list(el))
            new.tail = old.tail
            parent[list(parent).index(old)] = new
    return root


def normalized(page, element_id="space"):
    """One element of a page (HTML or a parsed tree) as comparable text: CSRF
    tokens (masked afresh for every render) and the seq marker's kind aside."""
    import xml.etree.ElementTree as ET

    import tinyhtml5

    root = tinyhtml5.parse(page) if isinstance(page, str) else page
    element = _by_id(root, element_id)
    assert element is not None, f"no #{element_id}"
    for field in element.iter(f"{XHTML}input"):
        if field.get("name") == "csrfmiddlewaretoken":
            field.set("value", "CSRF")
    for marker in element.iter():
        if marker.get("id") == "live-seq":
            marker.attrib.pop("data-kind", None)
    return ET.tostring(element, encoding="unicode")
