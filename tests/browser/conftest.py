"""Browser journeys: real Chromium (Playwright, sync API) against a real server.

How it runs
-----------
- Every test under tests/browser/ is marked ``browser`` and
  ``django_db(transaction=True)`` automatically (you may also write the marks).
  ``scripts/test`` runs them in their own pytest process with ``-m browser``;
  the other process (``-m "not browser"``) never starts Playwright. (A plain
  ``pytest`` run puts them last, after the asyncio tests.)
- ``server`` (session): a real ``daphne`` process serving
  ``config.asgi:application`` (HTTP *and* websockets) on a free port, against
  the pytest test database, with settings from tests/browser/server_settings.py
  (DEBUG off, static files served by whitenoise, MD5 hasher, email written to
  files). It inherits ``REDIS_URL`` so server and test share the channel layer.
  Tests are transactional: rows you create in the test (factories) are committed
  and the server sees them; tables are flushed after each test.
- Data the migrations wrote (the alternatives starter catalogue, seeded by a
  data migration; the Site row) would be flushed with everything else after
  the first test. Every browser test therefore runs with
  ``serialized_rollback=True`` (set for you at collection, whatever
  ``django_db`` mark the test wrote): the test database's migrated contents are
  serialized once at setup and loaded back before each test. We chose this over
  a fixture that re-seeds the catalogue because it needs no knowledge of which
  migration seeds what (the lead renumbers migrations on merge; a future data
  migration is covered without touching this file) and it restores exactly
  what a fresh install has. Cost: one small deserialization per test.
  Trap (handled in the ``browser`` fixture): once Playwright's event loop runs,
  Django hands this thread new connection objects (asgiref keeps them in a
  context variable then), which lack the serialized contents; the fixture puts
  them on the connection class. tests/browser/test_harness.py guards it.
  When a test fails, the server's log lines from that test are attached to the report.
- ``browser`` (session): one Chromium for the whole run (/usr/bin/chromium;
  never ``playwright install``).

Writing a journey
-----------------
    def test_something(page_for, sign_up, log_in, carol, screenshot):
        alice = page_for("alice")                   # one browser context per person
        sign_up(alice, email="alice@example.com", display_name="Alice")
        carol_page = log_in(page_for("carol"), carol)   # factory user, fast (session cookie)
        alice.get_by_role("button", name="Make an invite code").click()
        expect(alice.locator("#invite-code")).to_be_visible()
        screenshot(alice, "invite-desktop")         # only with CG_SCREENSHOTS=1

- ``page_for(label, javascript=True, viewport="desktop"|"phone")``: the page of
  that person, made on first call (same label → same page). Relative URLs work
  (``page.goto("/join/")``): the context's base_url is the server.
- ``new_context(label, javascript=..., viewport=...)``: a bare context when you
  need several tabs/devices for one person (``context.new_page()``).
- ``sign_up(page, email=, display_name=, password=PASSWORD)``: signs up through
  the real forms, opens the verification link from the mail file, confirms, and
  ends signed in on the dashboard.
- ``log_in(page, user, path="/")``: fast sign-in of an existing verified user
  (e.g. the ``alice``/``bob``/``carol`` factory fixtures) by a session cookie.
  ``log_in_through_form(page, email=, password=)`` in harness.py uses the form.
- ``mailbox``: the emails sent during this test (``messages_to(email)``,
  ``wait_for_link(to=, path_prefix=)``, ``verification_link(email)``).
- ``screenshot(page, name)``: writes docs/screenshots/<name>.png when
  ``CG_SCREENSHOTS=1`` is set; a no-op otherwise. One image pixel per CSS pixel
  (``scale="device"`` for full detail). The README's dashboard pictures come from
  tests/browser/test_dashboard_screenshots.py.
- Console watch: every context fails the test (at teardown, or when you call
  ``people.assert_clean()``) on any console error, uncaught page error or CSP
  violation. A deliberate error response shows as a console error
  ("Failed to load resource: ... status of 422"): accept it for one person with
  ``people.watch("alice").allow(r"status of 422")``. CSP violations can never
  be allowed.
- Websockets: ``people.watch("bob").frames`` lists every frame bob's browser
  received (``received_text()`` joins them) — assert that private text never
  travelled to the partner. Socket errors count as problems.
- HTTP: ``people.watch("bob").responses`` lists (method, url, status, body) of
  every page and htmx/fetch answer bob's browser received (not static files;
  redirects and bodiless HX-Redirect answers are skipped, the page they lead to
  is recorded); ``received_pages()`` joins the bodies. A body the browser no
  longer holds is reported as a problem, never silently skipped.
- ``furnish(alice, bob)`` (couples/demo.py, behind ``manage.py demo_space``): a lived-in space made
  through the services (statements both ways, a question answered, both weeks,
  mutual yeses, a session with an agenda, one reflection of alice's).
- Waiting: use Playwright's ``expect(...)`` (auto-retrying) rather than sleeps.
  For htmx swaps, expect the new content; for plain form posts wrap the click
  in ``page.expect_navigation()``.
- Traps: ``page.reload()`` on a page that answered a POST resubmits the POST
  (use ``page.goto(...)``). The server lives for the whole session: the
  database is flushed per test, but its in-memory cache (allauth's rate limits)
  is not, so keep sign-ups per run modest (allauth allows 20 a minute per address).
"""

import functools
import os

import pytest
from django.db import connection, connections
from playwright.sync_api import sync_playwright

from . import harness

BROWSER_DIR = os.path.dirname(__file__)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.path).startswith(BROWSER_DIR + os.sep):
            if item.get_closest_marker("browser") is None:
                item.add_marker(pytest.mark.browser)
            # Whatever django_db mark a journey wrote, it runs transactional (the
            # server must see committed rows) with a serialized rollback (each
            # test starts from the data the migrations wrote; see the docstring).
            written = item.get_closest_marker("django_db")
            kwargs = dict(written.kwargs) if written else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    # If someone runs plain pytest (both kinds in one process), browser tests go
    # last: Playwright's event loop must not be running while asyncio tests run.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """The daphne process (see the module docstring); stopped before the test
    database is dropped (it depends on django_db_setup)."""
    with django_db_blocker.unblock():
        database_name = connection.settings_dict["NAME"]
    running = harness.Server(database_name).start()
    yield running
    running.cleanup()


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    # Playwright's sync API keeps an event loop running in this thread, so
    # Django's ORM would refuse to run in tests; this process has no async tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With that loop running, Django keeps connections in a context variable
    # instead of a thread-local (asgiref's thread-critical Local): later tests get
    # a fresh connection object that lacks the migrated contents serialized at
    # setup, and serialized_rollback would silently restore nothing. Keep the
    # contents on the connection class, where every new object finds them.
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents is not None:
                type(connections[alias])._test_serialized_contents = contents
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def mailbox(server):
    box = harness.Mailbox(server.mail_dir)
    box.clear()
    return box


@pytest.fixture
def people(browser, server, transactional_db, request):
    crowd = harness.People(browser, server)
    request.node.cg_server_log_start = server.log_size()
    yield crowd
    problems = crowd.problems()
    crowd.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page_for(people):
    return people.page_for


@pytest.fixture
def new_context(people):
    return people.new_context


@pytest.fixture
def log_in(server, transactional_db):
    return functools.partial(harness.log_in, server=server)


@pytest.fixture
def sign_up(mailbox):
    return functools.partial(harness.sign_up, mailbox=mailbox)


@pytest.fixture
def screenshot():
    return harness.screenshot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    start = getattr(item, "cg_server_log_start", None)
    if report.failed and start is not None and "server" in item.funcargs:
        log = item.funcargs["server"].log_tail(since=start)
        if log:
            report.sections.append(("test server log", log))
    return report
