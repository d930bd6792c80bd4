"""The moment in real Chromium: a gentle ask, a "not now" card, a rain check.

Two people, two browser contexts, a lived-in space (couples/demo.py: bob has
a statement of what his no means, both have said yes to a few ways to be
close). alice asks for closeness, now, in her own words; bob answers "not
now" with a card built from his statement, an alternative (cuddling) and a
rain check ("I'll come to you"), previewed first; alice takes the
alternative; later bob redeems his rain check, which is a gentle ask from him,
and alice says yes.

- With JavaScript, every change reaches the other dashboard live (no reload:
  a marker set on ``window`` must survive).
- Without JavaScript, the same journey works with plain forms, the partner
  reloading to see each change.
- axe-core (tests/browser/vendor/) finds nothing on the four screens that
  matter (the ask form open, the incoming ask, the card's preview, the card
  received) at 390x844 and 1366x900, and the ask can be sent with the keyboard
  alone. Screenshots of those screens go to /tmp/moment-shots/ (not the repo).
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from couples.demo import furnish
from couples.models import Ask, AskAnswer, RainCheck

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5_000  # how long a pushed change may take to show (it takes milliseconds)
SHOTS = Path("/tmp/moment-shots")

ALICE_WORDS = "I’m missing you. If you’re up for it, I’d love that; if not, that’s okay."
# bob's statement, as couples/demo.py writes it: his card starts from these words.
BOB_MEANING = "I need some time together first, talking or just lying close."
BOB_NOT_MEANING = "It is not a test you can fail."
BOB_LOVE = "You are the person I want to come home to."
ACKNOWLEDGEMENT = "Thank you for asking — I love that you want me."
BOB_REDEEM_WORDS = "I’m coming to you, if you’d like."

# The screen sizes the moment is checked at.
SIZES = {
    "phone": ("phone", {"width": 390, "height": 844}),
    "desktop": ("desktop", {"width": 1366, "height": 900}),
}

# Words that would turn a "not now" into a tally. Nothing on either screen may
# count, score or list declines.
TALLY = re.compile(
    r"declin|\b\d+\s*(x\b|times?|nos?\b|not nows?|asks?|refus|turn)|score|streak|in a row|"
    r"rejected|again and again",
    re.IGNORECASE,
)


@pytest.fixture
def space(couple, alice, bob):
    return furnish(alice, bob)


# --- helpers ---------------------------------------------------------------------


def wait_until_live(page):
    """The dashboard's socket is open and joined: its hello (or a push after it)
    has been swapped in."""
    expect(page.locator("#live-seq")).to_have_attribute(
        "data-kind", re.compile(r"^(hello|change)$"), timeout=LIVE_MS
    )


def mark_page(page):
    marker = f"kept-{time.monotonic_ns()}"
    page.evaluate("(marker) => { window.cgMarker = marker; }", marker)
    return marker


def assert_not_reloaded(page, marker):
    assert page.evaluate("() => window.cgMarker") == marker, (
        f"{page.url} was reloaded or navigated: the live update did not arrive in place"
    )


def moment(page):
    return page.locator("#moment")


def assert_accessible(page, where, *, dashboard):
    """axe-core, every rule: nothing on the page (on the dashboard, the moment is
    also checked on its own, so a violation there is named as such)."""
    if dashboard:
        harness.assert_no_axe_violations(page, f"{where}, the moment", context="#moment")
    harness.assert_no_axe_violations(page, where)


class Notes:
    """The calm confirmations shown in the moment after one's own htmx save
    ("Sent, gently…"): each must still be there once the live push of that
    same change has arrived. Lost ones are collected and asserted at the end,
    so that the rest of the journey still runs."""

    def __init__(self):
        self.lost = []

    def seq(self, page):
        return int(page.locator("#live-seq").get_attribute("data-seq"))

    def expect_kept(self, page, text, seq_before):
        # The push of this change (a higher sequence number) has been swapped in...
        page.wait_for_function(
            "(n) => Number(document.getElementById('live-seq').dataset.seq) > n",
            arg=seq_before,
            timeout=LIVE_MS,
        )
        # (the sequence marker and the parts of one frame are swapped together)
        shown = page.locator("#messages")
        if shown.count() != 1 or (shown.text_content() or "").strip() != text:
            self.lost.append(f"“{text}” was gone once the live push arrived ({page.url})")

    def assert_none_lost(self):
        assert not self.lost, "Confirmations wiped by the live push:\n" + "\n".join(self.lost)


def assert_no_tally(page):
    text = moment(page).inner_text()
    assert not TALLY.search(text), f"the moment shows something like a tally: {text!r}"


def open_ask_form(page, *, words=ALICE_WORDS):
    """alice's dashboard: "Reach out, gently", closeness, now, her words."""
    page.locator("#ask-open").click()
    form = page.locator("#moment details.moment-ask form")
    expect(form).to_be_visible()
    form.get_by_label("Closeness").check()
    form.get_by_label("Now", exact=True).check()
    form.get_by_label("In your own words (optional)").fill(words)
    return form


def expect_incoming_ask(page, who, what, words=None):
    incoming = page.locator("#moment .moment-incoming")
    expect(incoming.locator("h3")).to_have_text(f"{who} would love {what}", timeout=LIVE_MS)
    if words:
        expect(incoming.locator(".moment-words")).to_have_text(words)
    expect(incoming).to_contain_text("Not answering is not a yes or a no.")
    expect(incoming.locator("#answer-yes")).to_be_visible()
    expect(incoming.locator("#answer-not-now")).to_have_text("Not now…")
    return incoming


def expect_card_prefilled_from_bobs_statement(page, space):
    expect(page.locator("h1")).to_have_text("Not now, with care")
    expect(page.locator("main")).to_contain_text(
        f"Alice would love closeness, now. “{ALICE_WORDS}”"
    )
    expect(page.locator("#id_acknowledgement")).to_have_value(ACKNOWLEDGEMENT)
    expect(page.locator("#id_statement")).to_have_value(str(space.partner_statement.pk))
    expect(page.locator("#id_reason")).to_have_value(BOB_MEANING)
    expect(page.locator("#id_not_meaning")).to_have_value(BOB_NOT_MEANING)
    expect(page.locator("#id_love")).to_have_value(BOB_LOVE)
    expect(page.locator("#id_rain_check")).to_have_value("")
    expect(page.locator("#card-preview")).to_have_count(0)


def pick_cuddling_and_come_to_you(page):
    page.locator("#id_activity").select_option(label="Cuddling")
    page.locator("#id_rain_check").select_option(label="I’ll come to you")


def preview(page):
    with page.expect_navigation():
        page.locator("#card-preview-button").click()
    card = page.locator("#card-preview")
    expect(card.locator("#card-preview-h")).to_have_text("What Alice will see")
    expect(card.locator("h3")).to_have_text("Not now — from Bob")
    expect_card(card)
    # The form kept every choice, ready to send.
    expect(page.locator("#id_activity option:checked")).to_have_text("Cuddling")
    expect(page.locator("#id_rain_check")).to_have_value("come")
    return card.locator(".decline-card").inner_text()


def expect_card(where):
    card = where.locator(".decline-card")
    expect(card.locator(".card-acknowledgement")).to_have_text(ACKNOWLEDGEMENT)
    expect(card.locator(".card-reason")).to_have_text(f"The reason, for now: {BOB_MEANING}")
    expect(card.locator(".card-not-meaning")).to_have_text(
        f"What it does not mean: {BOB_NOT_MEANING}"
    )
    expect(card.locator(".card-alternative")).to_have_text("Something else I’d love: Cuddling")
    expect(card.locator(".card-love")).to_have_text(f"What I love about you: {BOB_LOVE}")
    expect(card.locator(".card-rain-check")).to_have_text("Rain check: I’ll come to you")


def send_card(page):
    with page.expect_navigation():
        page.locator("#card-send").click()
    assert page.url.split("#")[0].endswith("/"), page.url
    expect(page.locator("#messages")).to_contain_text("Your card is on its way, in your words.")


def expect_card_received(page, previewed):
    received = page.locator("#moment .moment-received")
    expect(received.locator("h3")).to_have_text("Not now — from Bob", timeout=LIVE_MS)
    expect_card(received)
    # Exactly what bob previewed.
    assert received.locator(".decline-card").inner_text() == previewed
    expect(received.locator("#reply-alternative")).to_have_text("Yes, cuddling")
    expect(received.locator("#reply-thanks")).to_have_text("Thank you")
    expect(received.locator("#reply-close")).to_have_text("Close")
    expect(received.locator(".moment-private")).to_contain_text("Bob never sees it.")
    return received


def expect_rain_check(page, owner):
    checks = page.locator("#moment .rain-checks li.rain-check")
    expect(checks).to_have_count(1, timeout=LIVE_MS)
    expect(checks).to_have_text(re.compile(rf"^\s*I’ll come to you — offered by {owner}"))
    return checks


def redeem_rain_check(page, words=BOB_REDEEM_WORDS):
    check = expect_rain_check(page, "you")
    check.get_by_text("Redeem, move or let go").click()
    expect(check.locator("legend")).to_have_text("Redeem it: a gentle ask from you, now")
    check.get_by_label("Closeness").check()
    check.get_by_label("Your words (optional)").fill(words)
    return check.get_by_role("button", name="Redeem")


def viewport_page(new_context, log_in, user, label, size, *, javascript=True):
    viewport, dimensions = SIZES[size]
    page = new_context(f"{label}-{size}", viewport=viewport, javascript=javascript).new_page()
    page.set_viewport_size(dimensions)
    return log_in(page, user)


def shoot(page, name, size, element=None):
    """Full page, and (for the dashboard) the moment section alone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True, scale="css")
    if element is not None:
        element.screenshot(path=str(SHOTS / f"{name}-{size}-moment.png"), scale="css")


def fits_the_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus with Tab ({limit} presses)")


# --- journeys ----------------------------------------------------------------------


def test_ask_decline_with_a_card_and_rain_check_redeemed_live_between_two_browsers(
    page_for, people, log_in, space, alice, bob
):
    alice_page = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob"), bob)
    wait_until_live(alice_page)
    wait_until_live(bob_page)
    bob_marker = mark_page(bob_page)
    alice_marker = mark_page(alice_page)
    expect(moment(bob_page).locator(".moment-incoming")).to_have_count(0)

    notes = Notes()

    # alice reaches out, gently: closeness, now, in her words.
    open_ask_form(alice_page)
    seq = notes.seq(alice_page)
    alice_page.locator("#ask-send").click()
    mine = alice_page.locator("#moment #my-ask")
    expect(mine).to_have_text(re.compile(rf"You asked for closeness, now\. “{ALICE_WORDS}”"))
    notes.expect_kept(
        alice_page, "Sent, gently. You can take it back at any time; no answer is needed.", seq
    )
    expect(mine.get_by_role("button", name="Take it back")).to_be_visible()

    # bob sees it live.
    expect_incoming_ask(bob_page, "Alice", "closeness, now", ALICE_WORDS)
    assert_not_reloaded(bob_page, bob_marker)

    # "Not now…": the card, built from bob's statement.
    with bob_page.expect_navigation():
        bob_page.locator("#answer-not-now").click()
    expect_card_prefilled_from_bobs_statement(bob_page, space)
    pick_cuddling_and_come_to_you(bob_page)
    previewed = preview(bob_page)
    assert Ask.objects.get(asker=alice).state == Ask.OPEN  # a preview sends nothing
    send_card(bob_page)
    wait_until_live(bob_page)
    bob_marker = mark_page(bob_page)
    expect_rain_check(bob_page, "you")
    expect(moment(bob_page).locator(".moment-incoming")).to_have_count(0)

    # alice sees the card live, with what it does not mean.
    received = expect_card_received(alice_page, previewed)
    expect(received.locator(".card-not-meaning strong")).to_have_text(BOB_NOT_MEANING)
    expect(mine).to_have_count(0)
    checks = expect_rain_check(alice_page, "Bob")
    expect(checks.get_by_text("Redeem, move or let go")).to_have_count(0)  # only bob's to use
    assert_no_tally(alice_page)
    assert_not_reloaded(alice_page, alice_marker)

    # She takes the alternative; bob sees "would love that" live.
    received.locator("#reply-alternative").click()
    expect(moment(alice_page).locator(".moment-received")).to_have_count(0)
    reply = bob_page.locator("#moment .moment-reply")
    expect(reply).to_have_text(re.compile(r"Alice would love that:\s*Cuddling\."), timeout=LIVE_MS)
    assert_not_reloaded(bob_page, bob_marker)
    assert Ask.objects.get(asker=alice).reply == Ask.TOOK_ALTERNATIVE

    # Later, bob redeems his rain check: a gentle ask from him, now.
    redeem = redeem_rain_check(bob_page)
    seq = notes.seq(bob_page)
    redeem.click()
    expect(bob_page.locator("#moment #my-ask")).to_have_text(
        re.compile(rf"You asked for closeness, now\. “{BOB_REDEEM_WORDS}”")
    )
    expect(bob_page.locator("#moment .rain-checks")).to_have_count(0)
    assert RainCheck.objects.get(owner=bob).state == RainCheck.REDEEMED
    notes.expect_kept(bob_page, "Redeemed: your partner has a gentle ask from you.", seq)

    # alice sees bob's ask live (the rain check left her screen) and says yes.
    incoming = expect_incoming_ask(alice_page, "Bob", "closeness, now", BOB_REDEEM_WORDS)
    expect(alice_page.locator("#moment .rain-checks")).to_have_count(0)
    seq = notes.seq(alice_page)
    incoming.locator("#answer-yes").click()
    expect(moment(alice_page).locator(".moment-incoming")).to_have_count(0)
    notes.expect_kept(alice_page, "You said yes.", seq)

    # bob sees "said yes" live.
    expect(bob_page.locator("#moment .moment-received h3")).to_have_text(
        "Alice said yes", timeout=LIVE_MS
    )
    expect(bob_page.locator("#moment #my-ask")).to_have_count(0)
    assert_not_reloaded(bob_page, bob_marker)
    assert_not_reloaded(alice_page, alice_marker)
    assert_no_tally(alice_page)
    assert_no_tally(bob_page)
    people.assert_clean()
    notes.assert_none_lost()


def test_ask_decline_and_rain_check_work_with_plain_forms_without_javascript(
    page_for, people, log_in, space, alice, bob
):
    alice_page = log_in(page_for("alice", javascript=False), alice)
    bob_page = log_in(page_for("bob", javascript=False), bob)

    # alice's ask, a plain POST and back to the dashboard.
    open_ask_form(alice_page)
    with alice_page.expect_navigation():
        alice_page.locator("#ask-send").click()
    expect(alice_page.locator("#messages")).to_have_text(
        "Sent, gently. You can take it back at any time; no answer is needed."
    )
    expect(alice_page.locator("#moment #my-ask")).to_contain_text("You asked for closeness, now.")

    bob_page.goto("/")
    expect_incoming_ask(bob_page, "Alice", "closeness, now", ALICE_WORDS)
    with bob_page.expect_navigation():
        bob_page.locator("#answer-not-now").click()
    expect_card_prefilled_from_bobs_statement(bob_page, space)

    # "Fill in the words from this statement" puts back what he cleared, and
    # keeps what he chose elsewhere.
    bob_page.locator("#id_reason").fill("")
    pick_cuddling_and_come_to_you(bob_page)
    with bob_page.expect_navigation():
        bob_page.locator("#card-use-statement").click()
    expect(bob_page.locator("#id_reason")).to_have_value(BOB_MEANING)
    expect(bob_page.locator("#id_rain_check")).to_have_value("come")
    expect(bob_page.locator("#id_activity option:checked")).to_have_text("Cuddling")

    previewed = preview(bob_page)
    send_card(bob_page)
    expect_rain_check(bob_page, "you")

    alice_page.goto("/")
    received = expect_card_received(alice_page, previewed)
    assert_no_tally(alice_page)
    with alice_page.expect_navigation():
        received.locator("#reply-alternative").click()
    expect(moment(alice_page).locator(".moment-received")).to_have_count(0)

    bob_page.goto("/")
    expect(bob_page.locator("#moment .moment-reply")).to_have_text(
        re.compile(r"Alice would love that:\s*Cuddling\.")
    )
    redeem = redeem_rain_check(bob_page)
    with bob_page.expect_navigation():
        redeem.click()
    expect(bob_page.locator("#messages")).to_have_text(
        "Redeemed: your partner has a gentle ask from you."
    )
    expect(bob_page.locator("#moment #my-ask")).to_contain_text("You asked for closeness, now.")

    alice_page.goto("/")
    incoming = expect_incoming_ask(alice_page, "Bob", "closeness, now", BOB_REDEEM_WORDS)
    with alice_page.expect_navigation():
        incoming.locator("#answer-yes").click()
    expect(alice_page.locator("#messages")).to_have_text("You said yes.")

    bob_page.goto("/")
    expect(bob_page.locator("#moment .moment-received h3")).to_have_text("Alice said yes")
    answers = AskAnswer.objects.order_by("pk")
    assert [a.kind for a in answers] == [AskAnswer.NOT_NOW, AskAnswer.YES]
    assert_no_tally(bob_page)
    people.assert_clean()


@pytest.mark.parametrize("size", list(SIZES))
def test_ask_decline_screens_pass_axe_and_the_ask_goes_by_keyboard(
    new_context, people, log_in, space, alice, bob, size
):
    alice_page = viewport_page(new_context, log_in, alice, "alice", size)
    bob_page = viewport_page(new_context, log_in, bob, "bob", size)
    wait_until_live(alice_page)
    wait_until_live(bob_page)

    # The ask form, opened and filled with the keyboard alone.
    alice_page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(alice_page, "#ask-open")
    alice_page.keyboard.press("Enter")
    expect(alice_page.locator("#moment details.moment-ask")).to_have_attribute("open", "")
    tab_to(alice_page, "#id_ask-kind_0")
    alice_page.keyboard.press("Space")
    expect(alice_page.locator("#id_ask-kind_0")).to_be_checked()
    tab_to(alice_page, "#id_ask-when_0")
    alice_page.keyboard.press("Space")
    expect(alice_page.locator("#id_ask-when_0")).to_be_checked()
    tab_to(alice_page, "#id_ask-words")
    alice_page.keyboard.type(ALICE_WORDS)
    assert fits_the_screen(alice_page), f"alice's dashboard scrolls sideways ({size})"
    assert_accessible(alice_page, f"alice's ask form ({size})", dashboard=True)
    shoot(alice_page, "1-alice-ask-form", size, moment(alice_page))
    tab_to(alice_page, "#ask-send")
    alice_page.keyboard.press("Enter")
    expect(alice_page.locator("#moment #my-ask")).to_contain_text("You asked for closeness, now.")

    # bob's dashboard with the ask.
    expect_incoming_ask(bob_page, "Alice", "closeness, now", ALICE_WORDS)
    assert fits_the_screen(bob_page), f"bob's dashboard scrolls sideways ({size})"
    assert_accessible(bob_page, f"bob's incoming ask ({size})", dashboard=True)
    shoot(bob_page, "2-bob-incoming-ask", size, moment(bob_page))

    # The card page, with its preview.
    with bob_page.expect_navigation():
        bob_page.locator("#answer-not-now").click()
    pick_cuddling_and_come_to_you(bob_page)
    previewed = preview(bob_page)
    assert fits_the_screen(bob_page), f"the card page scrolls sideways ({size})"
    assert_accessible(bob_page, f"the card's preview ({size})", dashboard=False)
    shoot(bob_page, "3-bob-card-preview", size)
    send_card(bob_page)

    # alice receives the card.
    expect_card_received(alice_page, previewed)
    assert_no_tally(alice_page)
    assert fits_the_screen(alice_page), f"alice's dashboard scrolls sideways ({size})"
    assert_accessible(alice_page, f"alice's card ({size})", dashboard=True)
    shoot(alice_page, "4-alice-card-received", size, moment(alice_page))
    people.assert_clean()
