"""Logs never carry passwords, invite codes, request bodies or what people wrote.

The whole journey runs with every logger at DEBUG (stricter than production's
INFO), and both the raw records and the lines the configured handler writes are
searched for canaries.
"""

import io
import logging
import re

import pytest
from django.conf import settings
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "canary-password-Lq93 long enough"
WRONG_PASSWORD = "canary-wrong-password-Zt41"
DISPLAY_NAME = "Canary Name Vx82"
NEW_DISPLAY_NAME = "Canary Renamed Wp57"
INVITE = re.compile(r"/join/([A-Z0-9]{8})/")
CODE_SHOWN = re.compile(r'id="invite-code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


@pytest.fixture(params=["plain", "json"])
def everything_logged_at_debug(caplog, request):
    """As if production ran with LOG_LEVEL=DEBUG: the root logger and every logger
    without a pinned level at DEBUG. Loggers the settings pin keep their level.
    Once with each of the handler's formats (development's lines, production's JSON)."""
    pinned = set(settings.LOGGING.get("loggers", {}))
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if not any(name == p or name.startswith(p + ".") for p in pinned)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.NOTSET)  # inherit DEBUG from the root
    for name, config in settings.LOGGING["loggers"].items():
        if "level" not in config:
            saved.append((logging.getLogger(name), logging.getLogger(name).level))
            logging.getLogger(name).setLevel(logging.NOTSET)
    # The real console handler (with its redaction filter), writing to a buffer.
    written = io.StringIO()
    console = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert console, "the configured console handler is missing"
    old_stream = console[0].setStream(written)
    old_formatter = console[0].formatter
    if request.param == "json":
        from config.logging_json import JsonFormatter

        console[0].setFormatter(JsonFormatter())
    caplog.set_level(logging.DEBUG)
    yield caplog, written
    console[0].setStream(old_stream)
    console[0].setFormatter(old_formatter)
    for logger, level in saved:
        logger.setLevel(level)


def everything_in(records):
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_a_full_journey_logs_no_password_code_body_or_name(make_client, everything_logged_at_debug):
    caplog, written = everything_logged_at_debug
    bob = UserFactory(email="bob.logs@example.com", display_name="Bob")
    carol = UserFactory(email="carol.logs@example.com", display_name="Carol")
    dave = UserFactory(email="dave.logs@example.com", display_name="Dave")

    # Signup, confirm the address from the email, log out, log in (once wrongly).
    alice = make_client()
    response = alice.post(
        "/accounts/signup/",
        {
            "email": "alice.logs@example.com",
            "display_name": DISPLAY_NAME,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    confirm = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/([^\s/]+)/)", mail.outbox[-1].body
    )
    assert alice.get(confirm.group(1)).status_code == 200
    assert alice.post(confirm.group(1)).status_code == 302
    assert alice.post("/accounts/logout/").status_code == 302

    # A password reset: its link (a key that signs in) is requested, as a path.
    reset = {"email": "alice.logs@example.com"}
    assert alice.post("/accounts/password/reset/", reset).status_code == 302
    reset_link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/([^\s/]+)/)", mail.outbox[-1].body
    )
    assert alice.get(reset_link.group(1)).status_code == 302
    login = {"login": "alice.logs@example.com", "password": WRONG_PASSWORD}
    assert alice.post("/accounts/login/", login).status_code == 200
    login["password"] = PASSWORD
    assert alice.post("/accounts/login/", login).status_code == 302

    # Profile: the new name travels in a request body.
    assert alice.post("/accounts/profile/", {"display_name": NEW_DISPLAY_NAME}).status_code == 302

    # Alice invites; bob opens the link and accepts it.
    page = alice.post("/invite/", follow=True).content.decode()
    code_1 = INVITE.search(page).group(1)
    bob_client = make_client(bob)
    assert bob_client.get(f"/join/{code_1}/").status_code == 200
    assert bob_client.post("/join/", {"code": code_1}).status_code == 302
    # A mistyped link is a 404 that Django logs, with the path.
    assert bob_client.get(f"/join/{code_1}/nothing/").status_code == 404

    # Carol invites; dave first mistypes, then types the code.
    page = make_client(carol).post("/invite/", follow=True).content.decode()
    code_2_shown = CODE_SHOWN.search(page).group(1)
    dave_client = make_client(dave)
    assert dave_client.post("/join/", {"code": "ZZZZ-ZZZ9"}).status_code == 422
    assert dave_client.post("/join/", {"code": code_2_shown.lower()}).status_code == 302

    # Bob unlinks; alice logs out.
    assert bob_client.post("/unlink/", {"confirm": "on"}).status_code == 302
    assert alice.post("/accounts/logout/").status_code == 302

    canaries = {
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "address confirmation key": confirm.group(2),
        "password reset key": reset_link.group(2).split("-", 1)[1],
        "invite code (link)": code_1,
        "invite code (typed)": code_2_shown,
        "invite code (typed, raw)": code_2_shown.replace("-", ""),
        "mistyped code": "ZZZZ-ZZZ9",
        "display name": DISPLAY_NAME,
        "new display name (a request body)": NEW_DISPLAY_NAME,
    }
    raw = everything_in(caplog.records)
    output = written.getvalue()
    assert caplog.records, "nothing was logged: the capture is broken"
    leaks = [
        f"{what} in {where}"
        for what, canary in canaries.items()
        for where, text in (("log records", raw), ("log output", output))
        if canary.lower() in text.lower()
    ]
    culprits = {
        f"{r.name}:{r.levelname}: {r.getMessage()[:160]}"
        for r in caplog.records
        for canary in canaries.values()
        if canary.lower() in everything_in([r]).lower()
    }
    assert not leaks, "\n".join(leaks) + "\n--- from:\n" + "\n".join(sorted(culprits))


def test_dev_server_access_lines_are_written_once_and_redacted(settings):
    """daphne's runserver logs each request on django.channels.server; with
    DEBUG on, Django's own "django" console handler used to print it a second
    time, unredacted (an invite code in the terminal)."""
    settings.DEBUG = True
    logger = logging.getLogger("django.channels.server")
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "HTTP GET %s 302", ("/join/ABCD2345/",), None
    )
    assert logger.filter(record)
    written, current = [], logger
    while current is not None:  # as Logger.callHandlers walks them
        for handler in current.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture, not the application's output
            if record.levelno >= handler.level and handler.filter(record):
                written.append(handler.format(record))
        current = current.parent if current.propagate else None
    assert len(written) == 1
    assert "ABCD2345" not in written[0] and "/join/" in written[0]
