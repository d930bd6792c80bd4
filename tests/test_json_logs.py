"""One JSON line per event, each with the request's id, and nothing private.

A real gunicorn process with production's log format: every line Django's
logging writes is one JSON object; each request's lines and its response
header share one id (the trusted proxy's, when it sends a well-formed one).
"""

import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
import requests

from config.logging_json import JsonFormatter, PlainFormatter, RequestIdFilter, request_id_var
from tests.server_processes import free_port
from tests.worker_support import REPO, database_url_for_processes


@pytest.fixture
def json_logging_server(tmp_path):
    port = free_port()
    log_path = tmp_path / "server.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url_for_processes(),
        "LOG_FORMAT": "json",
        "TRUSTED_PROXY_COUNT": "1",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                requests.get(base + "/healthz/live", timeout=5)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.1)
        yield base, log_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def django_lines(log_path):
    """The lines Django's logging wrote (gunicorn's own start-up lines are its own)."""
    return [line for line in log_path.read_text().splitlines() if not line.startswith("[")]


@pytest.mark.django_db(transaction=True)
def test_each_request_logs_json_lines_with_its_id(json_logging_server):
    base, log_path = json_logging_server
    from_proxy = requests.get(
        base + "/accounts/login/", headers={"X-Request-ID": "proxy-7f3a9c21"}, timeout=10
    )
    assert from_proxy.headers["X-Request-ID"] == "proxy-7f3a9c21"
    malformed = requests.get(
        base + "/join/ABCD2345/", headers={"X-Request-ID": "x y"}, allow_redirects=False, timeout=10
    )
    made_here = malformed.headers["X-Request-ID"]
    assert made_here != "x y" and len(made_here) == 32
    # A refused host is logged by django.security: a second line of that request.
    refused = requests.get(base + "/", headers={"Host": "elsewhere.example"}, timeout=10)
    assert refused.status_code == 400

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = django_lines(log_path)
        if sum('"commonground.access"' in line for line in lines) >= 3:
            break
        time.sleep(0.05)
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    by_id = {}
    for entry in entries:
        assert {"time", "level", "logger", "message", "request_id"} <= set(entry)
        by_id.setdefault(entry["request_id"], []).append(entry)
    (login,) = by_id["proxy-7f3a9c21"]
    assert login["http"] == {**login["http"], "method": "GET", "path": "/accounts/login/"}
    assert login["http"]["status"] == 200
    (join,) = by_id[made_here]
    assert join["http"]["path"] == "/join/[redacted]/"
    refused_lines = by_id[refused.headers["X-Request-ID"]]
    assert {entry["logger"] for entry in refused_lines} == {
        "django.security.DisallowedHost",
        "commonground.access",
    }
    assert "ABCD2345" not in log_path.read_text()


def test_an_exception_is_logged_as_its_type_and_stack_without_its_message():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed", (), None)
    try:
        int("what someone typed Kq81")
    except ValueError:
        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exception"]["type"] == "builtins.ValueError"
    assert entry["exception"]["frames"][-1]["function"] == (
        "test_an_exception_is_logged_as_its_type_and_stack_without_its_message"
    )
    plain = PlainFormatter().format(record)
    assert "ValueError" in plain
    for line in (json.dumps(entry), plain):
        assert "Kq81" not in line


def test_a_record_carries_no_attribute_beyond_the_fixed_fields():
    """django.request attaches the request; nothing of it reaches the line."""
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found", (), None
    )
    record.request = type("Request", (), {"body": b"private body Zm40"})()
    record.status_code = 404
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = JsonFormatter().format(record)
    assert json.loads(line) == {
        "time": json.loads(line)["time"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found",
        "request_id": "abc123def456",
        "status": 404,
    }
    assert "Zm40" not in line


def test_the_configured_handler_writes_one_line_per_event(settings):
    """The console handler as configured, switched to JSON, with a multi-line message."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    written = io.StringIO()
    old_stream, old_formatter = console.setStream(written), console.formatter
    console.setFormatter(JsonFormatter())
    try:
        logging.getLogger("tests.json").warning("line one\nline two /join/ABCD2345/")
    finally:
        console.setStream(old_stream)
        console.setFormatter(old_formatter)
    (line,) = written.getvalue().splitlines()
    assert json.loads(line)["message"] == "line one\nline two /join/[redacted]/"
