"""Error reports through sentry-sdk carry nothing private.

The real SDK, initialised as settings do it (``config.sentry.init_sentry``),
sends over HTTP to a small Sentry stand-in on this machine; a signed-in request
fails in a view holding private text in its body, its query string, a cookie,
a header, a local variable and the exception's message. The reports arrive
(type, stack, the request's method and URL) without any of it.
"""

import gzip
import io
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
import sentry_sdk
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.sentry import before_send, init_sentry

pytestmark = pytest.mark.django_db

CANARIES = {
    "body": "body-canary-Hb72",
    "query": "query-canary-Qx19",
    "cookie": "cookie-canary-Ck55",
    "header": "header-canary-Hd03",
    "local": "local-canary-Lv88",
    "message": "message-canary-Ms41",
}


@csrf_exempt
def failing_view(request):
    typed = request.POST.get("entry", "")  # a local variable holding what was typed
    also_local = CANARIES["local"]
    raise ValueError(f"could not save {typed} {also_local} {CANARIES['message']}")


urlpatterns = [path("fails/", failing_view)]


class SentryStandIn(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.received.append(body.decode("utf-8", "replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_stand_in():
    SentryStandIn.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    init_sentry(dsn=f"http://publickey@127.0.0.1:{server.server_port}/1", environment="test")
    yield SentryStandIn.received
    sentry_sdk.flush(timeout=5)
    sentry_sdk.get_client().close()  # no reports after this test
    sentry_sdk.get_global_scope().set_client(None)
    server.shutdown()


def events_in(envelopes):
    events = []
    for envelope in envelopes:
        lines = envelope.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


# Committed rows: Django's handler closes the connection when a request starts
# (CONN_MAX_AGE 0), and the signed-in person's time zone is read before the view.
@pytest.mark.django_db(transaction=True)
def test_a_failing_request_is_reported_without_anything_private(sentry_stand_in, settings, alice):
    """Through Django's WSGI handler, as gunicorn calls it (the SDK wraps that)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    signed_in = Client()
    signed_in.force_login(alice)
    session_key = signed_in.cookies["sessionid"].value
    body = urlencode({"entry": CANARIES["body"]}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/fails/",
        "QUERY_STRING": f"q={CANARIES['query']}",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_COOKIE": f"sessionid={session_key}; tracking={CANARIES['cookie']}",
        "HTTP_X_PRIVATE": CANARIES["header"],
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses = []
    b"".join(WSGIHandler()(environ, lambda status, headers, *a: statuses.append(status)))
    assert statuses[0].startswith("500")
    sentry_sdk.flush(timeout=5)

    events = events_in(sentry_stand_in)
    reported = [e for e in events if e.get("exception")]
    assert reported, f"no error report arrived ({len(sentry_stand_in)} envelopes)"
    exception = reported[0]["exception"]["values"][-1]
    assert exception["type"] == "ValueError"
    assert exception["stacktrace"]["frames"][-1]["function"] == "failing_view"
    assert reported[0]["request"] == {"method": "POST", "url": "http://127.0.0.1/fails/"}
    everything = "\n".join(sentry_stand_in)
    leaks = [name for name, canary in CANARIES.items() if canary in everything]
    assert leaks == [], f"{leaks} reached the error reports"
    for private in (session_key, "203.0.113.9", alice.email, alice.display_name):
        assert private not in everything, private


def test_before_send_scrubs_a_realistic_django_event():
    """An event shaped as sentry-sdk's Django and logging integrations build one."""
    event = {
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "duplicate key\nDETAIL: Key (text)=(what I wrote Dk22) exists.",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "couples/services/statements.py",
                                "function": "add_statement",
                                "lineno": 40,
                                "context_line": "    statement.save()",
                                "vars": {"text": "'what I wrote Dk22'"},
                            }
                        ]
                    },
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"x": "Th91"}}]}}]},
        "request": {
            "method": "POST",
            "url": "https://example.org/join/ABCD2345/?next=/private-Qs12/",
            "query_string": "next=/private-Qs12/",
            "cookies": {"sessionid": "Se77"},
            "headers": {"Cookie": "sessionid=Se77", "User-Agent": "Ua33"},
            "data": {"entry": "Bd64"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": "7", "email": "alice@example.com", "ip_address": "203.0.113.9"},
        "logentry": {
            "message": "Failed for %s",
            "params": ["Pm52"],
            "formatted": "Failed for Pm52",
        },
        "extra": {"request": "<WSGIRequest: POST '/join/ABCD2345/'>"},
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": 'SELECT "x" FROM "y" WHERE "z" = %s',
                    "data": {"db.params": ["Qp48"]},
                },
                {"category": "django.request", "message": "Not Found: /join/ABCD2345/"},
            ]
        },
    }
    scrubbed = json.dumps(before_send(event, {}))
    for canary in ("Dk22", "Th91", "Qs12", "Se77", "Ua33", "Bd64", "203.0.113.9", "Pm52", "Qp48"):
        assert canary not in scrubbed, canary
    assert "ABCD2345" not in scrubbed and "alice@example.com" not in scrubbed
    kept = json.loads(scrubbed)
    assert kept["exception"]["values"][0]["type"] == "IntegrityError"
    assert kept["exception"]["values"][0]["stacktrace"]["frames"][0]["lineno"] == 40
    assert kept["request"] == {"method": "POST", "url": "https://example.org/join/[redacted]/"}
    assert kept["breadcrumbs"]["values"][0]["message"].startswith('SELECT "x"')
