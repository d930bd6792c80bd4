"""Web Push, the transport: the server's VAPID key, which endpoints it will post
to, and one encrypted message to one device (RFC 8291 encryption, RFC 8292
VAPID, through pywebpush). What is said, and to whom, is decided elsewhere
(couples/tasks.py); this module never sees a model.
"""

import base64
import fnmatch
import json
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from config.devkeys import dev_secret

# How long a push service keeps a message for a device that is offline: a day
# (a notice older than that is stale; the dashboard has it anyway).
TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10
SENT, GONE, RETRY = "sent", "gone", "retry"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh VAPID private key, in the form VAPID_PRIVATE_KEY takes."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64(key.private_numbers().private_value.to_bytes(32, "big"))


def _private_key_text() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Set VAPID_PRIVATE_KEY in production.")
    return dev_secret("dev-vapid.key", make=new_private_key)


@lru_cache(maxsize=4)
def vapid_from(text: str) -> Vapid02:
    try:
        return Vapid02.from_raw(text.encode("ascii"))
    except Exception as exc:  # never echo the key
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY must be a raw P-256 private key in url-safe base64."
        ) from exc


def vapid() -> Vapid02:
    return vapid_from(_private_key_text())


def public_key_of(key: Vapid02) -> str:
    point = key.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point)


def public_key() -> str:
    """The application server key a browser subscribes with (uncompressed point)."""
    return public_key_of(vapid())


def endpoint_problem(endpoint: str) -> str | None:
    """Why the server will not post to ``endpoint``, or ``None``. Only the push
    services in PUSH_SERVICE_HOSTS, over https (a browser chooses its endpoint;
    without this a signed-in person could make the server post anywhere)."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return _("That is not a push address.")
    allowed_schemes = {"https", "http"} if settings.PUSH_ALLOW_HTTP else {"https"}
    host = (parts.hostname or "").lower()
    if parts.scheme not in allowed_schemes or not host or parts.username or parts.password:
        return _("That is not a push address this app can use.")
    if not any(
        fnmatch.fnmatchcase(host, pattern.lower()) for pattern in settings.PUSH_SERVICE_HOSTS
    ):
        return _("That browser’s push service is not one this app sends to.")
    return None


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    tag: str  # one notification per moment: a newer one replaces it
    url: str  # where a tap opens (a part of the dashboard)

    def as_json(self) -> str:
        return json.dumps(
            {"title": self.title, "body": self.body, "tag": self.tag, "url": self.url},
            separators=(",", ":"),
        )


def _session() -> requests.Session:
    session = requests.Session()
    # A push service answers; it never redirects (a redirect would be the
    # server being walked somewhere else).
    session.max_redirects = 0
    return session


def send(*, endpoint: str, p256dh: str, auth: str, message: Message) -> str:
    """Deliver one message to one device: ``SENT``; ``GONE`` when the push
    service says the subscription no longer exists (404, 410) or the endpoint
    is not one we send to; ``RETRY`` for anything worth trying again later."""
    if endpoint_problem(endpoint) is not None:
        return GONE
    claims = {"sub": settings.VAPID_SUBJECT}
    try:
        webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=message.as_json(),
            vapid_private_key=vapid(),
            vapid_claims=claims,
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
            headers={"Urgency": "normal"},
            requests_session=_session(),
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        # 404/410: the subscription is gone. 400/403: the push service refuses
        # these keys or our VAPID key (rotated): trying again cannot help.
        return GONE if status in {400, 403, 404, 410} else RETRY
    except requests.RequestException:
        return RETRY
    except ValueError:  # keys that are not keys: never deliverable
        return GONE
    return SENT
