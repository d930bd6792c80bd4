"""No 500 for odd requests (issue 13, item 7).

- An unknown websocket path (``/ws/``, ``/ws/space/1/``, anything) is refused at
  the handshake, not an exception inside the ASGI app.
- ``/static/%2e%2e/...`` is a 404: in development (the server scripts/dev
  starts: daphne's runserver, static files through whitenoise) and with the
  production settings (whitenoise over the collected files).
- SQLite (development without DATABASE_URL): parallel invite accepts all
  succeed instead of "database is locked".
- The URL space fuzzed: odd paths, encodings and methods against the real
  URLconf (WSGI, as gunicorn serves it, and the ASGI app), signed in or not, and
  websocket paths against the real ASGI app: never a 5xx, never an exception.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config.asgi import application
from tests.realtime_support import close_quietly, cookie_header
from tests.security.harness import iter_patterns

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db

TRAVERSALS = [
    "/static/%2e%2e/config/settings.py",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/js/%2e%2e/%2e%2e/manage.py",
    "/static/..%2f..%2fmanage.py",
    "/static/%2e%2e%2fconfig%2fsettings.py",
    "/static/%252e%252e/manage.py",
    "/static/..%5c..%5cmanage.py",
    "/static/%c0%ae%c0%ae/manage.py",
    "/static//etc/passwd",
    "/static/%00",
    "/static/js/live.js%00.txt",
]


# --- websocket paths ------------------------------------------------------------------


async def websocket_outcome(path, *, client=None, origin=b"http://127.0.0.1"):
    headers = [(b"host", b"127.0.0.1"), (b"origin", origin)]
    if client is not None:
        headers.append((b"cookie", cookie_header(client)))
    socket = WebsocketCommunicator(application, path, headers=headers)
    try:
        connected, _ = await socket.connect(timeout=5)
        return connected
    finally:
        await close_quietly(socket)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/ws/", "/ws/space/1/", "/ws/space", "/", "/ws/space/%00/", "/ws/bench-echo/1/"]
)
def test_an_unknown_websocket_path_is_refused_cleanly(path, alice_client):
    assert async_to_sync(websocket_outcome)(path, client=alice_client) is False


# --- static files -----------------------------------------------------------------------


def dev_server_application(settings):
    """The ASGI application scripts/dev's server runs: daphne's runserver, with
    the arguments scripts/dev gives it, as it builds it (DEBUG on)."""
    from daphne.management.commands.runserver import Command

    script = (ROOT / "scripts" / "dev").read_text()
    line = next(line for line in script.splitlines() if "manage.py runserver" in line)
    args = shlex.split(line.split("manage.py runserver", 1)[1])
    args = [arg for arg in args if not arg.startswith('"$') and not arg.startswith("$")]
    command = Command()
    options = vars(command.create_parser("manage.py", "runserver").parse_args(args))
    settings.DEBUG = True
    return command.get_application(options)


async def asgi_get(app, path, method="GET"):
    """The status of one HTTP request through an ASGI app (the body is drained)."""
    from urllib.parse import unquote

    from asgiref.testing import ApplicationCommunicator

    raw = path.split("?")[0]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw),
        "raw_path": raw.encode(),
        "query_string": path.split("?", 1)[1].encode() if "?" in path else b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    assert start["type"] == "http.response.start"
    while (await communicator.receive_output(timeout=10)).get("more_body"):
        pass
    await communicator.wait(timeout=10)
    return start["status"]


def _unquoted(path):
    from urllib.parse import unquote

    return unquote(path)


@pytest.mark.django_db(transaction=True)
def test_static_traversal_is_a_404_on_the_development_server(settings):
    app = dev_server_application(settings)
    assert async_to_sync(asgi_get)(app, "/static/js/live.js") == 200  # statics still served
    for path in TRAVERSALS:
        assert async_to_sync(asgi_get)(app, path) == 404, path


def test_static_traversal_is_a_404_with_the_production_static_settings(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "live.js").write_text("/* collected */")
    with override_settings(
        STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False
    ):
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        assert client.get("/static/js/live.js").status_code == 200
        for path in TRAVERSALS:
            assert client.get(path).status_code == 404, path


# --- SQLite under parallel accepts (development without DATABASE_URL) -----------------------

PARALLEL_ACCEPTS = """
import json, sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
from accounts.models import User
from couples.models import Couple
from couples.services import linking

count = int(sys.argv[1])
people = [
    User.objects.create(email=f"p{i}@example.com", display_name=f"P{i}", password="!")
    for i in range(2 * count)
]
codes = [linking.create_invite(creator=people[2 * i])[1] for i in range(count)]
connections.close_all()
start_together = threading.Barrier(count)
errors = []

def accept(i):
    try:
        start_together.wait()
        linking.accept_invite(user=people[2 * i + 1], code=codes[i])
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=accept, args=(i,)) for i in range(count)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"errors": errors, "couples": Couple.objects.count()}))
"""


def test_parallel_invite_accepts_on_sqlite_all_succeed(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}
    }
    env.update(
        SQLITE_PATH=str(tmp_path / "dev.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    result = subprocess.run(
        [sys.executable, "-c", PARALLEL_ACCEPTS, "12"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "couples": 12}


# --- the URL space, fuzzed ------------------------------------------------------------------

ROUTES = sorted({p.route for p in iter_patterns()})
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
ODD = [
    "%2e%2e",
    "..",
    "%00",
    "%ff",
    "%c0%af",
    "%25",
    "%",
    "%zz",
    "%u002e",
    "\u202e",
    "😀",
    "a" * 3000,
    "9" * 40,
    "-1",
    "0",
    "<script>",
    "'",
    '"',
    ";",
    "?x=%00",
    "#",
    "//",
    "\\",
    " ",
    "%20",
    "%0d%0aSet-Cookie:x=1",
]
segment = st.one_of(
    st.sampled_from(ODD),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


PARAM = r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)"


def fill(route, values):
    route = re.sub(r"\^|\$|\\Z", "", route)
    for value in values:
        route, n = re.subn(PARAM, lambda _, v=value: v, route, count=1)
        if not n:
            break
    route = re.sub(PARAM, "1", route)
    return "/" + route


def quoted(path):
    from urllib.parse import quote

    # Keep the odd escapes as they are; make everything else a valid request line.
    return quote(path, safe="/%;=?&'\"<>\\#:@!$,*+()")


odd_path = st.one_of(
    st.builds(fill, st.sampled_from(ROUTES), st.lists(segment, max_size=3)),
    st.builds(lambda route, tail: fill(route, []) + tail, st.sampled_from(ROUTES), segment),
    st.lists(segment, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.sampled_from([*TRAVERSALS, "/ws/", "/ws/space/", "/ws/space/1/", "/healthz"]),
)


@pytest.fixture
def browsers(make_client, alice, bob, couple, carol):
    clients = {"anonymous": Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)}
    for name, user in (("alice", alice), ("carol", carol)):
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        clients[name] = client
    return clients


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=odd_path,
    method=st.sampled_from(METHODS),
    who=st.sampled_from(["anonymous", "alice", "carol"]),
    htmx=st.booleans(),
)
@example(path="/static/%2e%2e/config/settings.py", method="GET", who="anonymous", htmx=False)
@example(path="/ws/space/1/", method="GET", who="alice", htmx=False)
def test_no_odd_http_request_gets_a_5xx(browsers, path, method, who, htmx):
    client = browsers[who]
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.generic(method, quoted(path), **extra)
    assert response.status_code < 500, f"{method} {path!r} as {who}: {response.status_code}"


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=odd_path, method=st.sampled_from(METHODS))
def test_no_odd_request_to_the_asgi_app_gets_a_5xx(path, method):
    async def status():
        return await asgi_get(application, quoted(path), method)

    code = async_to_sync(status)()
    assert code < 500, f"{method} {path!r}: {code}"


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=odd_path)
def test_no_odd_websocket_path_raises_in_the_asgi_app(path):
    target = _unquoted(quoted(path).split("?")[0])
    if target == "/ws/space/":
        return  # the real socket: tests/test_realtime_consumer.py
    assert async_to_sync(websocket_outcome)(target) is False
