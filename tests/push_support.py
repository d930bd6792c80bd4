"""A local push service for the tests: a real HTTP endpoint that receives what
the app sends, and a subscriber that holds the browser's side of the keys and
decrypts it (RFC 8291 with RFC 8188 ``aes128gcm``), and checks the VAPID
signature (RFC 8292). Nothing here is a mock of the app: the app encrypts and
signs for real, and a message that is wrongly encrypted or signed fails here."""

import base64
import json
import os
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class Subscriber:
    """The browser's side of one subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, received: Received) -> dict:
        assert received.headers.get("content-encoding") == "aes128gcm"
        plain = http_ece.decrypt(
            received.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def vapid_claims(received: Received, application_server_key: str) -> dict:
    """The JWT's claims, after checking its ES256 signature against the key the
    browser subscribed with (``k=`` must be that key too)."""
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == application_server_key
    header, payload, signature = values["t"].split(".")
    raw = unb64(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), unb64(application_server_key)
    )
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:  # pragma: no cover - the assertion's message
        raise AssertionError("the VAPID signature does not verify") from exc
    assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    return json.loads(unb64(payload))


@dataclass
class PushEndpoint:
    """An HTTP server on 127.0.0.1 that records every request; it answers 201,
    or the statuses queued in ``answers`` (one per request), once ``hold`` is set."""

    received: "queue.Queue[Received]" = field(default_factory=queue.Queue)
    answers: list = field(default_factory=list)
    # Cleared: every request is recorded, then held open until it is set again.
    hold: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.hold.set()

    def __enter__(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                endpoint.received.put(
                    Received(
                        path=self.path,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
                endpoint.hold.wait(timeout=60)
                status = endpoint.answers.pop(0) if endpoint.answers else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def subscriber(self, name: str = "device") -> Subscriber:
        return Subscriber(f"{self.origin}/push/{name}-{os.urandom(4).hex()}")

    def take(self, timeout: float = 10.0) -> Received:
        """The next request (waits for it, up to ``timeout``: a worker sends it)."""
        return self.received.get(timeout=timeout)

    def nothing_received(self) -> bool:
        return self.received.empty()
