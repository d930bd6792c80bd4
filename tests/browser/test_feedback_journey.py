"""Calm feedback, answers that save once, starters in one tap (issue 15, items 1, 3, 4),
in real Chromium with real requests.

- Arrowing through yes / maybe / no sends no request; leaving the group (or
  Enter) sends one, of the answer arrived at; a tap saves at once, once.
- An action on the dashboard says what happened in the page-wide region, to
  the one who acted only (the partner's live page changes, their region stays
  empty), and the page does not move.
- Without JavaScript the message shows after the redirect, back at the item.
- "Use" puts a starter phrasing into its field, after what is typed, without
  moving the page.
"""

import re

import pytest
from playwright.sync_api import expect

from couples.demo import furnish
from couples.domain.starters import STARTERS
from couples.models import AlternativeActivity, AlternativeAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5000
# The distinct heights of the shown elements.
HEIGHTS = """(els) => [...new Set(els.filter((e) => e.offsetParent)
    .map((e) => Math.round(e.getBoundingClientRect().height)))]"""


@pytest.fixture
def space(couple, alice, bob):
    return furnish(alice, bob)


def posts_to_answer(page):
    """Every answer POST the page sends, as (url, body), in order."""
    seen = []
    page.on(
        "request",
        lambda r: (
            seen.append((r.url, r.post_data or ""))
            if r.method == "POST" and "/answer/" in r.url
            else None
        ),
    )
    return seen


def saved_answer(user, activity):
    row = AlternativeAnswer.objects.filter(user=user, activity=activity).first()
    return row.answer if row else ""


def is_answer(url):
    return lambda r: r.request.method == "POST" and "/answer/" in r.url and r.url == url


def test_arrowing_through_an_answer_saves_once_not_per_step(page_for, log_in, couple, alice):
    kissing = AlternativeActivity.objects.get(catalogue_key="kissing")
    page = log_in(page_for("alice"), alice, path="/alternatives/")
    row = page.locator(f"#answer-{kissing.pk}")
    # With JavaScript there is no Save button per row; the hint says how it saves.
    expect(page.locator("#my-answers .answer-row button")).to_have_count(0)
    expect(page.locator("#answers-autosave-hint")).to_be_visible()
    sent = posts_to_answer(page)
    url = page.evaluate("(f) => f.action", row.locator("form").element_handle())

    row.get_by_label("Yes", exact=True).focus()  # focus alone chooses nothing
    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):  # maybe, no, back to maybe
        page.keyboard.press(key)
    expect(row.get_by_label("Maybe", exact=True)).to_be_checked()
    with page.expect_response(is_answer(url)):
        page.keyboard.press("Tab")  # leaving the group commits what it arrived at
    # One request, for the answer arrived at: none for the steps on the way
    # (each step's request, had there been one, was sent before this one).
    assert len(sent) == 1 and f"a{kissing.pk}-answer=maybe" in sent[0][1]
    expect(page.locator("#messages")).to_have_text("Saved")
    assert saved_answer(alice, kissing) == "maybe"

    # Enter commits too, once; a tap saves at once, once.
    row.get_by_label("Maybe", exact=True).focus()
    page.keyboard.press("ArrowDown")
    with page.expect_response(is_answer(url)):
        page.keyboard.press("Enter")
    assert len(sent) == 2 and f"a{kissing.pk}-answer=no" in sent[1][1]
    with page.expect_response(is_answer(url)):
        row.get_by_label("Yes", exact=True).click()
    assert len(sent) == 3 and f"a{kissing.pk}-answer=yes" in sent[2][1]
    assert saved_answer(alice, kissing) == "yes"
    # Leaving a group that changed nothing sends nothing (the next save is the 4th).
    row.get_by_label("Yes", exact=True).focus()
    page.keyboard.press("Tab")
    with page.expect_response(is_answer(url)):
        row.get_by_label("No", exact=True).click()
    assert len(sent) == 4 and f"a{kissing.pk}-answer=no" in sent[3][1]
    # The answers page has no link to itself.
    expect(page.locator("#my-answers-link")).to_have_count(0)


def test_feedback_on_the_dashboard_is_said_to_me_only_and_the_page_stays(
    page_for, log_in, space, alice, bob, people
):
    alice_page = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob"), bob)
    for page in (alice_page, bob_page):
        expect(page.locator("#live-seq")).to_have_attribute(
            "data-kind", re.compile(r"^(hello|change)$"), timeout=LIVE_MS
        )
    statement = bob_page.locator(f"#statement-{space.second_statement.pk}")
    button = statement.get_by_role("button", name=re.compile("heard this"))
    button.scroll_into_view_if_needed()
    # Somewhere mid-page, as a person would be (scrolled at once: a wheel scroll
    # may still be moving when the position is read).
    bob_page.evaluate("window.scrollBy({top: 120, behavior: 'instant'})")
    before = bob_page.evaluate("window.scrollY")
    assert before > 0
    button.click()
    expect(bob_page.locator("#messages")).to_have_text("Marked as heard")
    expect(statement.locator(".statement-heard")).to_have_text("You marked this heard")
    assert bob_page.evaluate("window.scrollY") == before  # no jump
    # Alice's page takes the change live; what Bob was told is not hers.
    expect(
        alice_page.locator(f"#statement-{space.second_statement.pk} .statement-heard")
    ).to_have_text("Heard", timeout=LIVE_MS)
    expect(alice_page.locator("#messages")).to_have_text("")

    # Taking back a yes: "Taken back" to Bob; the activity leaves Alice's list live.
    cuddling = AlternativeActivity.objects.get(catalogue_key="cuddling")
    agreed = alice_page.locator(f"#agreed-{cuddling.pk}")
    expect(agreed).to_have_count(1)
    bob_page.get_by_role("button", name="Take back my yes to Cuddling").click()
    expect(bob_page.locator("#messages")).to_have_text("Taken back")
    expect(agreed).to_have_count(0, timeout=LIVE_MS)
    expect(alice_page.locator("#messages")).to_have_text("")
    received = people.watch("alice").received_text()
    assert "Taken back" not in received and "Marked as heard" not in received


def test_feedback_without_javascript_after_the_redirect_back_at_the_item(
    page_for, log_in, space, bob
):
    page = log_in(page_for("bob", javascript=False), bob)
    pk = space.second_statement.pk
    with page.expect_navigation():
        page.locator(f"#statement-{pk}").get_by_role(
            "button", name=re.compile("heard this")
        ).click()
    assert page.url.endswith(f"/#statement-{pk}")
    expect(page.locator("#messages")).to_have_text("Marked as heard")
    page.goto("/")
    expect(page.locator("#messages")).to_have_text("")  # said once


def test_a_starter_goes_into_its_field_in_one_tap_without_moving_the_page(
    page_for, log_in, couple, alice
):
    page = log_in(page_for("alice", viewport="phone"), alice, path="/statements/new/")
    starters = page.locator(".statement-starters")
    form = page.locator("#statement-form")
    # On a phone the starters come before the form.
    assert starters.bounding_box()["y"] < form.bounding_box()["y"]
    page.locator("#id_not_meaning").fill("It is not about you.")
    tired = page.locator("#starter-tired")
    if not tired.evaluate("(d) => d.open"):
        tired.locator("summary").click()
    use = tired.get_by_role("button", name="Use “Tired” for What it does not mean")
    use.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    use.click()
    expect(page.locator("#id_not_meaning")).to_have_value(
        "It is not about you. " + STARTERS["tired"]["not_meaning"]
    )
    expect(page.locator("#messages")).to_have_text("Added to “What it does not mean”")
    assert page.evaluate("window.scrollY") == before
    # Every button on the page has one size.
    heights = page.eval_on_selector_all(
        ".statement-compose button:not([hidden]), .statement-compose [role=button]",
        HEIGHTS,
    )
    assert len(heights) == 1, heights


def test_answers_without_javascript_keep_their_save_buttons(page_for, log_in, couple, alice):
    kissing = AlternativeActivity.objects.get(catalogue_key="kissing")
    page = log_in(page_for("alice", javascript=False), alice, path="/alternatives/")
    row = page.locator(f"#answer-{kissing.pk}")
    row.get_by_label("Maybe", exact=True).check()
    with page.expect_navigation():
        row.get_by_role("button", name="Save my answer: Kissing").click()
    assert page.url.endswith(f"/alternatives/#answer-{kissing.pk}")
    expect(page.locator("#messages")).to_have_text("Saved")
    assert saved_answer(alice, kissing) == "maybe"
