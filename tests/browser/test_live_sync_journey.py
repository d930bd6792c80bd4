"""Live sync (issue 4) in real Chromium: two people, two browser contexts.

bob's dashboard stays open the whole time and is never reloaded (a marker set
in its window at the start must still be there at the end): everything alice
does reaches it over the socket, or, after a dropped socket, through the
page's own refetch once it reconnects.
"""

import importlib
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connections
from playwright.sync_api import expect

from couples.models import AlternativeActivity, Statement
from couples.services import statements as statement_services
from couples.services import therapy as therapy_services
from couples.services import timing as timing_services
from tests.factories import space_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5_000  # how long a pushed change may take to show (it takes milliseconds)


@pytest.fixture
def catalogue(transactional_db):
    """The starter catalogue of alternatives: a data migration seeds it, and the
    transactional tests' flush removes it after every test, so seed it again."""
    migration = importlib.import_module("couples.migrations.0006_alternatives")
    migration.add_catalogue(django_apps, None)
    return {a.catalogue_key: a for a in AlternativeActivity.objects.filter(couple=None)}


# --- helpers ---------------------------------------------------------------


def in_another_thread(service, **kwargs):
    """Call a service so that its live push is sent: Playwright's event loop runs
    in this thread, where the channel layer's async_to_sync refuses to run."""

    def call():
        try:
            return service(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def wait_until_live(page):
    """The socket is open and joined: its first frame (hello) has been swapped in."""
    expect(page.locator("#live-seq")).to_have_attribute("data-kind", "hello", timeout=LIVE_MS)


def mark_page(page):
    """A marker that only survives as long as this very document does."""
    marker = f"kept-{time.monotonic_ns()}"
    page.evaluate("(marker) => { window.cgMarker = marker; }", marker)
    return marker


def assert_not_reloaded(page, marker):
    assert page.evaluate("() => window.cgMarker") == marker, (
        f"{page.url} was reloaded or navigated: the live update did not arrive in place"
    )


def write_statement(page, *, meaning, reason="tired"):
    """alice's real form: the dashboard's link, the compose page, back to the dashboard."""
    page.goto("/statements/new/")
    form = page.locator("#statement-form")
    form.locator("select[name=reason]").select_option(reason)
    form.locator("textarea[name=meaning]").fill(meaning)
    form.locator("textarea[name=not_meaning]").fill("That I do not want you.")
    form.locator("textarea[name=reassurance]").fill("I love falling asleep next to you.")
    with page.expect_navigation():
        page.locator("#statement-save").click()
    assert page.url.split("#")[0].endswith("/")


def edit_statement(page, statement_pk, *, meaning):
    page.goto(f"/statements/{statement_pk}/edit/")
    page.locator("#statement-form textarea[name=meaning]").fill(meaning)
    with page.expect_navigation():
        page.locator("#statement-save").click()


# A server render of bob's dashboard body, compared with what his page shows:
# both are parsed and serialised by the same browser, so only real differences
# remain. Per-render noise is normalised: CSRF tokens (masked afresh on every
# render) and the seq marker's kind (render / hello / change).
SAME_AS_SERVER = """
([html, selector]) => {
  const normalise = (element) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("input[name=csrfmiddlewaretoken]")
      .forEach((i) => i.setAttribute("value", "-"));
    copy.querySelectorAll("[data-kind]").forEach((e) => e.setAttribute("data-kind", "-"));
    copy.querySelectorAll("[class='']").forEach((e) => e.removeAttribute("class"));
    // What week.js adds to my week grid (the ARIA grid and its one tab stop).
    copy.querySelectorAll("#my-week-form table").forEach((t) => t.removeAttribute("role"));
    copy.querySelectorAll("#my-week-form button").forEach((b) => b.removeAttribute("tabindex"));
    return copy.outerHTML.replace(/\\s+/g, " ").replace(/> </g, "><");
  };
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const fresh = template.content.querySelector(selector);
  const shown = document.querySelector(selector);
  if (!fresh || !shown) { return false; }
  window.cgLastDiff = [normalise(shown), normalise(fresh)];
  return normalise(shown) === normalise(fresh);
}
"""


def first_difference(page):
    shown, fresh = page.evaluate("() => window.cgLastDiff || ['', '']")
    at = next((i for i, (a, b) in enumerate(zip(shown, fresh, strict=False)) if a != b), 0)
    window = slice(max(0, at - 80), at + 160)
    return f"page: …{shown[window]}…\nserver: …{fresh[window]}…"


class SocketLine:
    """bob's line to the server, routed through Playwright so the test can cut it.

    While it is cut, the open socket is closed the way a lost network closes it
    (1006, no closing handshake) and every reconnect attempt fails at once; the
    server sees its socket go. Connected, it is a plain pass-through: the page's
    own WebSocket talks to the real server (with its cookies and Origin).
    """

    def __init__(self, page):
        self.cut = False
        self.open = []  # (page side, server side) of live connections
        page.route_web_socket(re.compile(r"/ws/space/$"), self.route)

    def route(self, socket):
        if self.cut:
            socket.close(code=1006, reason="")
            return
        self.open.append((socket, socket.connect_to_server()))

    def cut_off(self):
        self.cut = True
        for page_side, server_side in self.open:
            server_side.close()
            page_side.close(code=1006, reason="")
        self.open = []

    def restore(self):
        self.cut = False


# --- journeys --------------------------------------------------------------


def test_bobs_open_dashboard_follows_everything_alice_shares_without_a_reload(
    page_for, people, log_in, alice, bob, couple, catalogue
):
    # Before either page opens: bob has marked his week; a session is planned.
    timing_services.save_timing(space=space_of(bob), cells="u" * 35, notes="", expected_version=0)
    cuddling = catalogue["cuddling"]
    session = therapy_services.plan_session(
        space=space_of(alice), planned_for=date.today() + timedelta(7)
    )

    bob_page = log_in(page_for("bob"), bob)
    wait_until_live(bob_page)
    marker = mark_page(bob_page)
    alice_page = log_in(page_for("alice"), alice)

    # A new statement.
    partner_statements = bob_page.locator("#statements .statement-partner")
    expect(partner_statements).to_have_count(0)
    write_statement(alice_page, meaning="I am tired after long days at work.")
    expect(partner_statements).to_have_count(1, timeout=LIVE_MS)
    expect(partner_statements).to_contain_text("I am tired after long days at work.")

    # An edit: the new words replace the old ones.
    statement_pk = int(partner_statements.get_attribute("id").removeprefix("statement-"))
    edit_statement(alice_page, statement_pk, meaning="Mostly I need a quiet evening first.")
    expect(partner_statements).to_contain_text(
        "Mostly I need a quiet evening first.", timeout=LIVE_MS
    )
    expect(partner_statements).not_to_contain_text("long days at work")

    # Alternatives: bob says yes to cuddling in another tab of his (privately:
    # nothing is shared yet, and his open dashboard takes the push of his own
    # answers quietly); alice's yes then makes it mutual, on bob's shared list.
    agreed = bob_page.locator("#alternatives .agreed-list li")
    bob_answers = bob_page.context.new_page()
    bob_answers.goto("/alternatives/")
    with bob_answers.expect_response(lambda r: "/answer/" in r.url and r.request.method == "POST"):
        bob_answers.locator(f"#answer-{cuddling.pk}").get_by_label("Yes").check()
    expect(bob_answers.locator("#messages")).to_have_text("Saved")
    bob_answers.close()
    expect(agreed).to_have_count(0)
    alice_page.goto("/alternatives/")
    with alice_page.expect_response(lambda r: "/answer/" in r.url and r.request.method == "POST"):
        alice_page.locator(f"#answer-{cuddling.pk}").get_by_label("Yes").check()
    expect(alice_page.locator("#messages")).to_have_text("Saved")
    expect(agreed).to_have_count(1, timeout=LIVE_MS)
    expect(agreed).to_contain_text("Cuddling")

    # alice takes her yes back: it disappears from bob's list, saying nothing of who.
    alice_page.get_by_role("button", name="Take back my yes to Cuddling").click()
    expect(alice_page.locator("#alternatives .agreed-list li")).to_have_count(0)
    expect(agreed).to_have_count(0, timeout=LIVE_MS)
    expect(bob_page.locator("#alternatives")).not_to_contain_text("Alice")

    # Timing: alice marks Monday evening as usually open; bob's heatmap changes.
    strong = bob_page.locator("#timing-overlap svg.heatmap .hm-strong")
    expect(strong).to_have_count(0)
    alice_page.goto("/timing/")
    alice_page.select_option("#id_mon_evening", "u")
    alice_page.get_by_role("button", name="Save my week").click()
    expect(alice_page.get_by_text("Your week is saved.")).to_be_visible()
    expect(strong).to_have_count(1, timeout=LIVE_MS)
    # The part bob received is his own view: his own week to edit, not alice's.
    expect(bob_page.locator("#timing #my-week-form")).to_be_attached()
    expect(bob_page.locator("#timing #wk-tue_early")).to_have_attribute("data-level", "u")

    # Therapy: alice adds an agenda topic on her dashboard.
    alice_page.goto("/")
    alice_page.locator(f"#add-topic-{session.pk} [name=text]").fill("How we say no kindly")
    alice_page.locator(f"#add-topic-{session.pk} button[type=submit]").click()
    expect(alice_page.locator(f"#agenda-{session.pk} .agenda-topic")).to_have_count(1)
    bob_topics = bob_page.locator(f"#agenda-{session.pk} .agenda-topic")
    expect(bob_topics).to_have_count(1, timeout=LIVE_MS)
    expect(bob_topics).to_contain_text("How we say no kindly")
    expect(bob_topics).to_contain_text("Added by Alice")

    # alice retires her statement: it leaves bob's screen.
    mine = alice_page.locator(f"#statement-{statement_pk}")
    mine.locator("details.statement-retire summary").click()
    mine.get_by_role("button", name="Retire it").click()
    expect(alice_page.locator("#statements .statement-mine")).to_have_count(0)
    expect(partner_statements).to_have_count(0, timeout=LIVE_MS)

    assert_not_reloaded(bob_page, marker)
    people.assert_clean()


def test_presence_shows_while_alice_has_the_dashboard_open_and_goes_when_she_leaves(
    page_for, new_context, people, log_in, alice, bob, couple
):
    bob_page = page_for("bob")
    line = SocketLine(bob_page)
    log_in(bob_page, bob)
    wait_until_live(bob_page)
    marker = mark_page(bob_page)
    presence = bob_page.locator("#partner-presence")
    expect(presence).to_be_hidden()

    alice_context = new_context("alice")
    alice_page = log_in(alice_context.new_page(), alice)
    wait_until_live(alice_page)
    expect(presence).to_be_visible(timeout=LIVE_MS)
    expect(presence).to_have_text("here now")
    # alice sees bob too (he was there first: his socket answered her hello).
    expect(alice_page.locator("#partner-presence")).to_be_visible(timeout=LIVE_MS)

    # bob's connection drops and comes back: his page refetches its parts over
    # HTTP (which cannot know who is here) and still shows alice present.
    line.cut_off()
    expect(bob_page.locator("#live-paused")).to_be_visible(timeout=LIVE_MS)
    with bob_page.expect_response(re.compile(r"/parts/space/$"), timeout=LIVE_MS):
        line.restore()
    expect(bob_page.locator("#live-paused")).to_be_hidden(timeout=LIVE_MS)
    bob_page.wait_for_timeout(300)  # the refetched body has settled
    expect(presence).to_be_visible()

    alice_page.close()
    expect(presence).to_be_hidden(timeout=LIVE_MS)
    assert_not_reloaded(bob_page, marker)
    people.assert_clean()


def test_after_a_dropped_socket_bobs_page_equals_a_fresh_server_render_within_two_seconds(
    page_for, people, log_in, alice, bob, couple
):
    bob_page = page_for("bob")
    line = SocketLine(bob_page)
    log_in(bob_page, bob)
    wait_until_live(bob_page)
    marker = mark_page(bob_page)
    # alice saves through plain forms (JavaScript off): real POSTs, no socket of hers.
    alice_page = log_in(page_for("alice", javascript=False), alice)
    write_statement(alice_page, meaning="Before the drop.")
    expect(bob_page.locator("#statements")).to_contain_text("Before the drop.", timeout=LIVE_MS)

    line.cut_off()
    expect(bob_page.locator("#live-paused")).to_be_visible(timeout=LIVE_MS)

    # Five saves while bob's page cannot hear: three statements, an edit, her week.
    for n in range(1, 4):
        write_statement(alice_page, meaning=f"Saved while bob was away, number {n}.")
    first = Statement.objects.filter(author=alice).order_by("pk").first()
    edit_statement(alice_page, first.pk, meaning="Edited while bob was away.")
    alice_page.goto("/timing/")
    alice_page.select_option("#id_sat_late", "s")
    with alice_page.expect_navigation():
        alice_page.get_by_role("button", name="Save my week").click()

    # Nothing reached bob meanwhile: the drop was real.
    shown = bob_page.locator("#statements").inner_text()
    assert "Before the drop." in shown and "while bob was away" not in shown

    # The back-off is capped at 4 s: the next attempt comes within LIVE_MS.
    with bob_page.expect_event("websocket", timeout=LIVE_MS):
        line.restore()
    reconnected = time.monotonic()
    fresh = bob_page.request.get("/parts/space/")
    assert fresh.ok
    html = fresh.text()
    assert "Edited while bob was away." in html and "number 3" in html
    remaining_ms = max(0.0, 2.0 - (time.monotonic() - reconnected)) * 1000
    try:
        bob_page.wait_for_function(SAME_AS_SERVER, arg=[html, "#space"], timeout=remaining_ms)
    except Exception as error:
        raise AssertionError(
            "bob's page did not equal a fresh server render within 2 s of reconnecting:\n"
            + first_difference(bob_page)
        ) from error
    expect(bob_page.locator("#live-paused")).to_be_hidden()
    assert_not_reloaded(bob_page, marker)
    people.assert_clean()


def make_invite_code(page):
    page.get_by_role("button", name="Make an invite code").click()
    code = page.locator("#invite-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    return code.inner_text()


def test_an_accepted_invite_and_an_unlink_switch_open_dashboards_in_place(
    page_for, people, log_in, alice, bob
):
    alice_page = log_in(page_for("alice"), alice)
    wait_until_live(alice_page)
    alice_marker = mark_page(alice_page)
    code = make_invite_code(alice_page)

    bob_page = log_in(page_for("bob"), bob)
    bob_page.locator("#join-form input[name=code]").fill(code)
    with bob_page.expect_navigation():
        bob_page.locator("#accept-invite").click()
    expect(bob_page.locator("#partner")).to_contain_text("Alice")

    # alice's page, still open on her invite code, flips to linked by itself.
    expect(alice_page.locator("#partner")).to_contain_text("Bob", timeout=LIVE_MS)
    expect(alice_page.locator("#linking")).to_have_count(0)
    expect(alice_page.locator("#statements")).to_be_visible()
    assert_not_reloaded(alice_page, alice_marker)

    # bob unlinks from another tab: both open dashboards switch to not linked.
    wait_until_live(bob_page)
    bob_marker = mark_page(bob_page)
    other_tab = bob_page.context.new_page()
    other_tab.goto("/unlink/")
    other_tab.get_by_label("I understand").check()
    with other_tab.expect_navigation():
        other_tab.locator("#confirm-unlink").click()
    for page in (alice_page, bob_page):
        expect(page.locator("#linking")).to_be_visible(timeout=LIVE_MS)
        expect(page.locator("#partner")).to_have_count(0)
        expect(page.locator("#statements")).to_have_count(0)
    assert "Bob" not in alice_page.locator("#space").inner_html()
    assert "Alice" not in bob_page.locator("#space").inner_html()
    assert_not_reloaded(alice_page, alice_marker)
    assert_not_reloaded(bob_page, bob_marker)
    people.assert_clean()


def test_a_private_reflection_reaches_alices_other_device_and_never_bob(
    page_for, new_context, people, log_in, alice, bob, couple
):
    canary = f"canary{time.monotonic_ns()}"
    alice_dashboard = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob"), bob)
    wait_until_live(alice_dashboard)
    wait_until_live(bob_page)
    marker = mark_page(alice_dashboard)

    phone = log_in(new_context("alice-phone").new_page(), alice, path="/reflections/")
    phone.locator("#reflection-form textarea[name=body]").fill(
        f"{canary} what stayed with me today"
    )
    phone.get_by_role("button", name="Save privately").click()
    expect(phone.get_by_text("Saved in your journal.")).to_be_visible()

    expect(alice_dashboard.locator("#reflections")).to_contain_text(canary, timeout=LIVE_MS)
    assert_not_reloaded(alice_dashboard, marker)

    # A shared change sent after the reflection reaches bob: anything earlier
    # meant for him would have arrived by now.
    in_another_thread(
        statement_services.add_statement,
        space=space_of(alice),
        reason="tired",
        meaning="After the reflection.",
        not_meaning="Nothing about you.",
        reassurance="You matter.",
    )
    expect(bob_page.locator("#statements")).to_contain_text(
        "After the reflection.", timeout=LIVE_MS
    )
    bob_frames = people.watch("bob").received_text()
    assert "After the reflection." in bob_frames
    assert canary not in bob_frames
    assert canary not in bob_page.content()
    people.assert_clean()


def test_logging_out_in_one_tab_sends_the_other_tab_to_the_login_page(
    page_for, people, log_in, alice, bob, couple
):
    first_tab = log_in(page_for("alice"), alice)
    second_tab = first_tab.context.new_page()
    second_tab.goto("/")
    wait_until_live(first_tab)
    wait_until_live(second_tab)
    # The second tab's check over HTTP answers 401 with HX-Redirect (expected).
    people.watch("alice").allow(r"status of 401")

    sockets_after_logout = []
    second_tab.on("websocket", lambda socket: sockets_after_logout.append(socket.url))
    with first_tab.expect_navigation():
        first_tab.get_by_role("button", name="Log out").click()
    assert "/accounts/" in first_tab.url or first_tab.url.endswith("/")

    # The other tab's socket is closed; the page asks, and is sent to log in.
    second_tab.wait_for_url(re.compile(r"/accounts/login/"), timeout=LIVE_MS)
    expect(second_tab.locator("input[name=login]")).to_be_visible()
    # Logging in again leads back to the dashboard, not to the fragment it asked for.
    assert "parts" not in second_tab.url, second_tab.url
    # Sent away, the page opened no new socket (it could only have been refused).
    assert sockets_after_logout == []
    people.assert_clean()


def test_the_oldest_of_too_many_open_dashboards_stays_paused_until_reloaded(
    new_context, people, log_in, alice, couple
):
    """Past the cap of live sockets per person (REALTIME_SOCKETS_PER_PERSON, 8), the
    oldest page is closed with 4429: it says so, and does not reconnect (which
    would push out another of alice's pages, and that one this one, in a loop)."""
    cap = 8
    context = new_context("alice")
    first = log_in(context.new_page(), alice)
    wait_until_live(first)
    sockets = []
    first.on("websocket", lambda socket: sockets.append(socket.url))
    others = []
    for _ in range(cap):
        page = context.new_page()
        page.goto(first.url)
        wait_until_live(page)
        others.append(page)
    paused = first.locator("#live-paused")
    expect(paused).to_be_visible(timeout=LIVE_MS)
    expect(paused).to_contain_text("Reload the page to make this one live again")
    # Every later page is live; the first one never tried again. (The newest
    # page's hello arrived after the first one was closed: by then a reconnect
    # would have opened a socket, and the back-off is under a second.)
    newest = context.new_page()
    newest.goto(first.url)
    wait_until_live(newest)
    assert sockets == []
    for page in others[1:]:
        expect(page.locator("#live-paused")).to_be_hidden()
    # A reload is the choice: the page is live again.
    first.reload()
    wait_until_live(first)
    expect(first.locator("#live-paused")).to_be_hidden()
    people.assert_clean()
