"""The shared space (issue 3) in real Chromium, one browser context per partner.

alice writes a statement, fills her week, answers the ways to be close, and
writes a private reflection; bob (on his phone) sees her statement after a
reload, marks it heard, fills his week, sees where their weeks meet, answers;
only mutual yeses are shared; alice takes a yes back and it leaves both lists.
Live sync is built separately: here the partner reloads to see changes.

Privacy: alice's reflection carries a unique canary (in its text and its tags).
Every page and fragment bob's browser received, and every websocket frame, is
searched for it at the end.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from couples.models import AlternativeActivity, Reflection, Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEATMAP = "#timing-overlap svg.heatmap"


def agreed_names(page):
    return page.locator("#alternatives .agreed-name").all_inner_texts()


def answer(page, activity, choice):
    """Choose an answer on my answers page; a tap saves it at once (static/js/answers.js)."""
    group = page.get_by_role("group", name=activity, exact=True)
    row = page.locator("li.answer-row").filter(has=group)
    with page.expect_response(lambda r: "/answer/" in r.url and r.request.method == "POST"):
        group.get_by_label(choice, exact=True).check()
    expect(page.locator("#messages")).to_have_text("Saved")
    expect(row.get_by_label(choice, exact=True)).to_be_checked()


def fill_week(page, cells, notes=""):
    """On /timing/ (JavaScript on): set the given cells and save in place."""
    for cell_id, level in cells.items():
        page.select_option(f"#id_{cell_id}", level)
    if notes:
        page.fill("#id_notes", notes)
    page.get_by_role("button", name="Save my week").click()
    expect(page.get_by_text("Your week is saved.")).to_be_visible()


def test_partners_share_statements_weeks_and_mutual_yeses_while_reflections_stay_private(
    page_for, people, log_in, couple, alice, bob
):
    canary = "canary" + uuid.uuid4().hex[:16]
    alice_page = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob", viewport="phone"), bob)
    expect(bob_page.locator("#statements")).to_contain_text("Alice has not shared any statements")

    # --- alice writes a statement (the form page; htmx sends her back) ---
    alice_page.locator("#statement-new").click()
    expect(alice_page.locator("h1")).to_have_text("What a no from me means")
    alice_page.locator("#id_reason").select_option("tired")
    alice_page.locator("#id_meaning").fill("I am running on empty tonight.")
    alice_page.locator("#id_not_meaning").fill("Not that I want you any less.")
    alice_page.locator("#id_reassurance").fill("I love how you make me laugh.")
    alice_page.locator("#id_rain_check").fill("Ask me on Saturday morning.")
    with alice_page.expect_navigation():
        alice_page.locator("#statement-save").click()
    mine = alice_page.locator("#statements .statement-mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("I am running on empty tonight.")
    expect(mine.locator(".statement-heard")).to_have_count(0)
    statement = Statement.objects.get(author=alice)

    # --- alice's private reflection, with the canary in its text and tags ---
    alice_page.locator("#nav-journal").click()
    expect(alice_page.locator("#journal-h")).to_have_text("My reflections")
    alice_page.locator("#id_what_i_heard").fill("That I am too much.")
    alice_page.locator("#id_body").fill(f"Only for me: {canary} stays in my journal.")
    alice_page.locator("#id_tags").fill(f"evening, {canary}")
    alice_page.get_by_role("button", name="Save privately").click()
    expect(alice_page.locator("#messages")).to_contain_text("Saved in your journal.")
    expect(alice_page.locator("#journal .reflection-item")).to_have_count(1)
    expect(alice_page.locator("#journal .tag").filter(has_text=canary)).to_have_count(1)
    reflection = Reflection.objects.get(author=alice)

    # --- alice's week ---
    alice_page.goto("/timing/")
    fill_week(
        alice_page,
        {"mon_evening": "u", "sat_morning": "u", "sun_late": "s"},
        notes="A morning person at weekends.",
    )

    # --- alice's private answers, and an activity she proposes ---
    alice_page.goto("/alternatives/")
    alice_page.locator("#id_name").fill("Breakfast in bed")
    alice_page.locator("#propose-submit").click()
    expect(alice_page.locator("#messages")).to_contain_text("Added to both your lists")
    expect(alice_page.get_by_role("group", name="Breakfast in bed", exact=True)).to_be_visible()
    for activity, choice in [
        ("Cuddling", "Yes"),
        ("A massage", "Yes"),
        ("Kissing", "Maybe"),
        ("Holding hands", "Yes"),
        ("Breakfast in bed", "Yes"),
    ]:
        answer(alice_page, activity, choice)
    expect(alice_page.locator("#alternatives .agreed-name")).to_have_count(0)

    # --- bob sees the statement after a reload and marks it heard ---
    bob_page.reload()
    theirs = bob_page.locator("#statements .statement-partner")
    expect(theirs).to_have_count(1)
    expect(theirs).to_contain_text("I am running on empty tonight.")
    expect(theirs).to_contain_text("Not that I want you any less.")
    expect(theirs).to_contain_text("I love how you make me laugh.")
    expect(theirs).to_contain_text("Ask me on Saturday morning.")
    theirs.get_by_role("button", name="I\u2019ve heard this").click()
    expect(theirs.locator(".statement-heard")).to_have_text("You marked this heard")
    bob_page.goto(f"/statements/{statement.pk}/history/")
    expect(bob_page.locator(".statement-history li")).to_have_count(1)
    # alice's own reflection is a 404 for bob, exactly like a missing one.
    people.watch("bob").allow(r"status of 404")
    assert bob_page.goto(f"/reflections/{reflection.pk}/").status == 404
    assert bob_page.goto("/reflections/").status == 200
    expect(bob_page.locator("#journal .reflection-item")).to_have_count(0)

    # --- bob's week: the overlap picture appears ---
    bob_page.goto("/timing/")
    fill_week(bob_page, {"mon_evening": "u", "sat_morning": "s", "sun_late": "r"})
    heatmap = bob_page.locator(HEATMAP)
    expect(heatmap.locator(".hm-strong")).to_have_count(1)  # Monday evening: both usually
    expect(heatmap.locator(".hm-good")).to_have_count(1)  # Saturday morning
    expect(heatmap.locator(".hm-low")).to_have_count(1)  # Sunday late: one says rarely
    expect(heatmap.locator(".hm-unmarked")).to_have_count(32)
    bob_page.goto("/")
    expect(bob_page.locator(f"{HEATMAP} .hm-strong title")).to_have_text(
        re.compile(r"Monday, evening: Both usually open")
    )
    # alice's notes, in her words; her week itself only through the overlap.
    expect(bob_page.locator(".timing-partner")).to_contain_text("A morning person at weekends.")
    expect(bob_page.locator("#timing")).not_to_contain_text("Alice\u2019s week")

    # --- bob answers: only mutual yeses are shared ---
    bob_page.goto("/alternatives/")
    for activity, choice in [
        ("Cuddling", "Yes"),
        ("A massage", "No"),
        ("Kissing", "Yes"),
        ("Holding hands", "Yes"),
        ("Breakfast in bed", "Yes"),
    ]:
        answer(bob_page, activity, choice)
    both = ["Cuddling", "Holding hands", "Breakfast in bed"]  # catalogue order, then proposals
    expect(bob_page.locator("#alternatives .agreed-name")).to_have_text(both)
    bob_page.goto("/")
    expect(bob_page.locator("#alternatives .agreed-name")).to_have_text(both)

    # --- alice: heard, the same picture, the same shared list ---
    alice_page.goto("/")
    expect(alice_page.locator("#statements .statement-mine .statement-heard")).to_have_text("Heard")
    expect(alice_page.locator("#alternatives .agreed-name")).to_have_text(both)
    assert alice_page.locator(HEATMAP).inner_html() == bob_page.locator(HEATMAP).inner_html()

    # --- alice takes back her yes to cuddling: gone for both ---
    alice_page.get_by_role("button", name="Take back my yes to Cuddling").click()
    expect(alice_page.locator("#alternatives .agreed-name")).to_have_text(
        ["Holding hands", "Breakfast in bed"]
    )
    bob_page.goto("/")
    expect(bob_page.locator("#alternatives .agreed-name")).to_have_text(
        ["Holding hands", "Breakfast in bed"]
    )
    bob_page.goto("/alternatives/")
    expect(bob_page.locator("#alternatives .agreed-name")).to_have_text(
        ["Holding hands", "Breakfast in bed"]
    )
    # bob's own answer is untouched: his yes stays his.
    expect(
        bob_page.get_by_role("group", name="Cuddling", exact=True).get_by_label("Yes", exact=True)
    ).to_be_checked()
    cuddling = AlternativeActivity.objects.get(catalogue_key="cuddling")
    assert not cuddling.answers.filter(user=alice).exists()

    # --- the canary never reached bob: no page, no fragment, no frame ---
    watch = people.watch("bob")
    received = watch.received_pages()
    assert len(watch.responses) >= 15, "bob's pages were not recorded"
    assert not [url for url in watch.unread if "/reflections" in url]
    assert "Holding hands" in received  # the recording holds what bob saw
    assert canary not in received
    assert "That I am too much." not in received
    assert canary not in watch.received_text()
    # ...while alice's own pages did carry it (the check can fail).
    assert canary in people.watch("alice").received_pages()
