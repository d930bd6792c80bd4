"""The socket's Origin check, in full: scheme, host and port (issue 13, item 6).

A page on another origin (another port of the same machine, another scheme, a
look-alike host) must not open a socket with the person's cookie: the browser
sends the cookie to the socket whatever page opened it. Only the site's own
origins are accepted: the origin the socket was opened at (https behind the
trusted proxy's ``X-Forwarded-Proto``), or one of ``CSRF_TRUSTED_ORIGINS``.

Each case opens a real socket on the full ASGI app (config.asgi) with alice's
session cookie: accepted means her hello frame arrives.
"""

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from realtime.origin import origin_allowed
from tests.realtime_support import close_quietly, cookie_header

pytestmark = pytest.mark.django_db(transaction=True)

PROXY = {
    "ALLOWED_HOSTS": ["commonground.example"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


async def opens(client, *headers):
    """True when the socket is accepted and greets alice."""
    socket = WebsocketCommunicator(
        application, "/ws/space/", headers=[*headers, (b"cookie", cookie_header(client))]
    )
    try:
        connected, _ = await socket.connect(timeout=5)
        if not connected:
            return False
        first = await socket.receive_from(timeout=5)
        assert 'data-kind="hello"' in first
        return True
    finally:
        await close_quietly(socket)


@pytest.fixture
def alice_browser(make_client, alice, couple):
    client = make_client(alice)
    assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 200
    return client


ACCEPTED = [
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")], id="same-origin"),
    pytest.param(
        [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")],
        id="same-origin-with-port",
    ),
    pytest.param([(b"host", b"localhost"), (b"origin", b"http://localhost")], id="localhost"),
]

REFUSED = [
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1:1")], id="other-port"),
    pytest.param(
        [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1")], id="port-dropped"
    ),
    pytest.param(
        [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8001")],
        id="neighbouring-port",
    ),
    pytest.param(
        [(b"host", b"127.0.0.1"), (b"origin", b"https://127.0.0.1")], id="https-page-plain-socket"
    ),
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"ftp://127.0.0.1")], id="other-scheme"),
    pytest.param(
        [(b"host", b"127.0.0.1"), (b"origin", b"chrome-extension://127.0.0.1")], id="extension"
    ),
    pytest.param(
        [(b"host", b"127.0.0.1"), (b"origin", b"http://localhost")], id="other-allowed-host"
    ),
    pytest.param(
        [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1.evil.example")], id="look-alike"
    ),
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"http://evil.example")], id="foreign"),
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"null")], id="null"),
    pytest.param([(b"host", b"127.0.0.1")], id="missing"),
    pytest.param(
        [(b"host", b"evil.example"), (b"origin", b"http://evil.example")],
        id="host-not-allowed",
    ),
    pytest.param(
        [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1"), (b"origin", b"http://x")],
        id="two-origins",
    ),
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"http://user@127.0.0.1")], id="userinfo"),
    pytest.param([(b"host", b"127.0.0.1"), (b"origin", b"HTTP://127.0.0.1:1")], id="upper-case"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("headers", ACCEPTED)
async def test_the_sites_own_origin_opens_a_socket(alice_browser, headers):
    assert await opens(alice_browser, *headers)


@pytest.mark.asyncio
@pytest.mark.parametrize("headers", REFUSED)
async def test_any_other_origin_is_refused_even_with_the_persons_cookie(alice_browser, headers):
    assert not await opens(alice_browser, *headers)


# --- behind the TLS-terminating proxy (production: nginx sets X-Forwarded-Proto) ----------


@pytest.mark.asyncio
async def test_behind_the_proxy_the_https_origin_is_the_sites_own(alice_browser, settings):
    for name, value in PROXY.items():
        setattr(settings, name, value)
    site = [(b"host", b"commonground.example"), (b"origin", b"https://commonground.example")]
    assert await opens(alice_browser, *site, (b"x-forwarded-proto", b"https"))
    # Without the proxy's word the socket is plain http: an https page is another origin.
    assert not await opens(alice_browser, *site)
    # And the plain-http origin of the same host is not the https site.
    assert not await opens(
        alice_browser,
        (b"host", b"commonground.example"),
        (b"origin", b"http://commonground.example"),
        (b"x-forwarded-proto", b"https"),
    )
    assert not await opens(
        alice_browser,
        (b"host", b"commonground.example"),
        (b"origin", b"https://commonground.example:8443"),
        (b"x-forwarded-proto", b"https"),
    )


@pytest.mark.asyncio
async def test_csrf_trusted_origins_are_accepted_and_only_they(alice_browser, settings):
    """A proxy that does not pass the scheme (or serves the site under another
    name): the operator lists the public origin in CSRF_TRUSTED_ORIGINS."""
    settings.ALLOWED_HOSTS = ["ws", "commonground.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://commonground.example"]
    assert await opens(
        alice_browser, (b"host", b"ws"), (b"origin", b"https://commonground.example")
    )
    for origin in (
        b"http://commonground.example",
        b"https://commonground.example:444",
        b"https://sub.commonground.example",
    ):
        assert not await opens(alice_browser, (b"host", b"ws"), (b"origin", origin)), origin


def test_the_check_reads_the_scope_alone_without_a_database():
    scope = {"type": "websocket", "headers": [(b"host", b"127.0.0.1")]}
    assert not origin_allowed(scope)
    assert origin_allowed(
        {**scope, "headers": [*scope["headers"], (b"origin", b"http://127.0.0.1")]}
    )
    assert origin_allowed(
        {
            "type": "websocket",
            "scheme": "wss",
            "headers": [(b"host", b"127.0.0.1"), (b"origin", b"https://127.0.0.1")],
        }
    )
