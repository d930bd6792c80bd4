"""The pieces behind the browser fixtures (see tests/browser/conftest.py for how to use them)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO / "docs" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Generous: two cores are shared by many test runs on this machine.
DEFAULT_TIMEOUT_MS = 15_000

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url(name):
    """DATABASE_URL pointed at the test database (the one pytest-django created)."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


class Server:
    """A real daphne process serving config.asgi:application (HTTP and websockets)
    against the test database, with email written to files in ``mail_dir``."""

    def __init__(self, database_name):
        self.tmp = Path(tempfile.mkdtemp(prefix="cg-browser-"))
        self.mail_dir = self.tmp / "mail"
        self.mail_dir.mkdir()
        self.log_path = self.tmp / "server.log"
        self.database_name = database_name
        self.process = None
        self.port = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path="/"):
        return self.base_url + path

    def environment(self):
        env = dict(os.environ)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # only the Playwright test process needs it
        env.update(
            DJANGO_SETTINGS_MODULE="tests.browser.server_settings",
            DATABASE_URL=_test_database_url(self.database_name),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            PYTHONUNBUFFERED="1",
            LOG_LEVEL=os.environ.get("CG_SERVER_LOG_LEVEL", "WARNING"),
            # The tests' fixed key (tests/conftest.py), not the development key
            # file: rows the test writes (reflections) must open on the server,
            # and rows the server writes must open in the test.
            FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
            # The same for Web Push's key: never var/dev-vapid.key.
            VAPID_PRIVATE_KEY=settings.VAPID_PRIVATE_KEY,
        )
        # REDIS_URL passes through unchanged: scripts/test sets it, and live-sync
        # journeys need the server and the test process on the same channel layer.
        return env

    def start(self, attempts=3):
        for _attempt in range(attempts):
            self.port = _free_port()
            log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the process's life)
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "config.asgi:application",
                ],
                cwd=REPO,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            if self._wait_until_ready():
                return self
            self.stop()  # most likely the port was taken meanwhile: try another
        raise RuntimeError(f"The test server did not start. Its log:\n{self.log_tail()}")

    def _wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url("/accounts/login/"), timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        return False

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                # daphne waits for open connections to wind down; a test server need not.
                self.process.wait(timeout=1.5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_size(self):
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_tail(self, since=0, limit=6000):
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")[-limit:]


class Mailbox:
    """The emails the server sent during this test (Django's file backend)."""

    SEPARATOR = "-" * 79

    def __init__(self, mail_dir):
        self.mail_dir = Path(mail_dir)

    def clear(self):
        for path in self.mail_dir.iterdir():
            path.unlink()

    def messages(self):
        found = []
        for path in sorted(self.mail_dir.iterdir(), key=lambda p: p.stat().st_mtime):
            text = path.read_text("utf-8", "replace")
            found.extend(chunk for chunk in text.split(self.SEPARATOR) if chunk.strip())
        return found

    def messages_to(self, email):
        pattern = re.compile(rf"^To: .*\b{re.escape(email)}\b", re.MULTILINE | re.IGNORECASE)
        return [message for message in self.messages() if pattern.search(message)]

    def wait_for_link(self, *, to, path_prefix, timeout=10):
        """The first link in a mail to ``to`` whose path starts with ``path_prefix``."""
        link = re.compile(r"https?://[^\s<>\"']+")
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages_to(to):
                for url in link.findall(message):
                    if urllib.parse.urlsplit(url).path.startswith(path_prefix):
                        return url
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"No mail to {to} with a link to {path_prefix}... "
                    f"({len(self.messages())} mails in the box)"
                )
            time.sleep(0.1)

    def verification_link(self, email):
        return self.wait_for_link(to=email, path_prefix="/accounts/confirm-email/")


# Chromium reports these as console errors; they are problems in any journey.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


class ConsoleWatch:
    """Collects console errors, uncaught page errors and CSP violations of one
    browser context. ``allow(pattern)`` accepts matching console errors (e.g. a
    deliberate 422: Chromium logs "Failed to load resource: ... status of 422").
    CSP violations and uncaught exceptions can never be allowed. ``frames`` holds
    every websocket frame the context received."""

    # What a person "received": documents and htmx/fetch answers (not static files).
    RECORDED_TYPES = {"document", "xhr", "fetch"}

    def __init__(self, label):
        self.label = label
        self.problems = []
        self.allowed = []
        self.frames = []
        self.responses = []  # (method, url, status, body) of every page and fragment
        self.unread = []  # URLs whose bodies were gone before they could be read

    def attach(self, context):
        context.add_init_script(CSP_LISTENER)
        context.on("page", self.attach_page)
        for page in context.pages:
            self.attach_page(page)

    def attach_page(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("websocket", self._on_websocket)
        page.on("response", self._on_response)

    def _on_response(self, response):
        # Read at once, while the body is still held: every page and fragment
        # this person's browser received, for privacy assertions.
        if response.request.resource_type not in self.RECORDED_TYPES:
            return
        if 300 <= response.status < 400 or response.status == 204:
            return  # no body (a redirect, or htmx's HX-Redirect); what follows is recorded
        if "hx-redirect" in response.headers:
            # htmx navigates at once (and shows no body): by the time we could read
            # the body it is gone. The page it leads to is recorded.
            return
        try:
            body = response.text()
        except Exception:
            # The page navigated on (a quick click) before its body could be read:
            # Chromium no longer holds it. Not a fault of the app; listed in
            # ``unread`` so a privacy assertion can demand that nothing it cares
            # about went unread.
            self.unread.append(response.url)
            return
        self.responses.append((response.request.method, response.url, response.status, body))

    def received_pages(self):
        """Everything received over HTTP (pages and fragments) so far, as one string."""
        return "\n".join(body for _method, _url, _status, body in self.responses)

    def _on_websocket(self, socket):
        # Every frame this person's browser received, for privacy assertions
        # ("bob's socket never carried alice's reflection").
        socket.on("framereceived", lambda payload: self.frames.append((socket.url, payload)))
        socket.on(
            "socketerror",
            lambda error: self.problems.append(f"[{self.label}] websocket error: {error}"),
        )

    def received_text(self):
        """Everything received over websockets so far, as one string."""
        return "\n".join(
            p if isinstance(p, str) else p.decode("utf-8", "replace") for _url, p in self.frames
        )

    def allow(self, pattern):
        self.allowed.append(re.compile(pattern))

    def _on_console(self, message):
        text = message.text
        is_csp = "Content Security Policy" in text or text.startswith("CSP violation")
        if message.type == "error" or is_csp:
            if not is_csp and any(p.search(text) for p in self.allowed):
                return
            where = message.location.get("url", "")
            self.problems.append(f"[{self.label}] console {message.type}: {text} ({where})")

    def _on_page_error(self, error):
        self.problems.append(f"[{self.label}] uncaught page error: {error}")

    def csp_violations(self):
        return [p for p in self.problems if "Content Security Policy" in p or "CSP violation" in p]

    def take(self):
        problems, self.problems = self.problems, []
        return problems


class People:
    """One browser context per person, each with its own ConsoleWatch."""

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self.contexts = []
        self.pages = {}
        self.watches = {}

    def new_context(self, label="someone", *, javascript=True, viewport="desktop", **options):
        context = self.browser.new_context(
            base_url=self.server.base_url,
            java_script_enabled=javascript,
            **VIEWPORTS[viewport],
            **options,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        watch = ConsoleWatch(label)
        watch.attach(context)
        context.cg_watch = watch
        self.contexts.append(context)
        return context

    def page_for(self, label, **options):
        if label not in self.pages:
            context = self.new_context(label, **options)
            self.pages[label] = context.new_page()
            self.watches[label] = context.cg_watch
        elif options:
            raise ValueError(f"{label}'s page exists already; pass options on the first call")
        return self.pages[label]

    def watch(self, label):
        return self.watches[label]

    def problems(self):
        found = []
        for context in self.contexts:
            found.extend(context.cg_watch.take())
        return found

    def assert_clean(self):
        problems = self.problems()
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts = []
        self.pages = {}


def session_cookie_for(user):
    """A signed-in session for ``user`` (made in the shared test database)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def log_in(page, user, *, server, path="/"):
    """Sign ``user`` in without the login form (fast), then open ``path``."""
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie_for(user),
                "url": server.base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto(path)
    return page


def log_in_through_form(page, *, email, password=PASSWORD):
    """Log in with the real form; stays on a login page already open (keeps its ?next=)."""
    if urllib.parse.urlsplit(page.url).path != "/accounts/login/":
        page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    return page


def sign_up(page, mailbox, *, email, display_name, password=PASSWORD):
    """Sign up through the real pages, confirm the address with the link from
    the mail, and end signed in on the dashboard."""
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", display_name)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/signup/'] button[type=submit]").click()
    assert urllib.parse.urlsplit(page.url).path.startswith("/accounts/confirm-email/"), (
        f"Signing up {email} did not ask for email verification (now on {page.url})"
    )
    page.goto(mailbox.verification_link(email))
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    if urllib.parse.urlsplit(page.url).path != "/":
        log_in_through_form(page, email=email, password=password)
    assert urllib.parse.urlsplit(page.url).path == "/", f"{email} did not reach the dashboard"
    return page


def screenshot(page, name, *, full_page=True, scale="css"):
    """Save docs/screenshots/<name>.png when CG_SCREENSHOTS=1; otherwise do nothing.

    ``scale="css"``: one image pixel per CSS pixel (a phone page is 390 pixels wide,
    not 1170), which keeps the committed pictures small; ``"device"`` for full detail."""
    if os.environ.get("CG_SCREENSHOTS", "") not in {"1", "true", "yes"}:
        return None
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, scale=scale)
    return path


# --- axe-core (accessibility checks; tests/browser/vendor/VERSIONS.md) ---------------

AXE_CORE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"

# What is kept of each violation: enough to find the element and fix it.
AXE_SUMMARY = """
async ([context, options]) => {
  const results = await window.axe.run(context || document, options || {});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    url: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html.slice(0, 300),
      summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 400),
    })),
  }));
}
"""


def inject_axe(page):
    """Put axe-core into ``page`` (once per document).

    Not with ``page.add_script_tag(path=...)``: it adds an *inline* script,
    which the app's CSP (``script-src 'self'``) blocks, and the console watch
    would rightly count that violation. ``page.evaluate`` runs the file through
    the debugging protocol instead, which the page's CSP does not govern."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_CORE.read_text("utf-8"))
    assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core did not load"


def axe_violations(page, options=None, context=None):
    """axe-core's violations on the page as it is now (its default rules: WCAG
    A/AA and best practices). ``context``: a CSS selector to check only that
    part of the page (axe's ``include``); ``options``: axe.run's options."""
    inject_axe(page)
    return page.evaluate(AXE_SUMMARY, [context, options])


def format_axe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['url']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append(f"       {node['summary']}")
    return "\n".join(lines)


def assert_no_axe_violations(page, where="", options=None, context=None):
    """Run axe-core on the page (or ``context``); fail, listing every violation, if any."""
    violations = axe_violations(page, options, context)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {where or page.url}:\n"
        + format_axe_violations(violations)
    )
