"""Issue 17 item 4 in real Chromium: a therapist's copy.

alice makes a link on the session page and sees it once; a therapist with no
account (a fresh browser context) gets "This link does not work" until bob
agrees on his phone, without JavaScript; then the shared brief opens (bob's
explicit pick in it, alice's flagged reflection not); both partners see the
opening in the access log; bob revokes and the link is a 404 at once.
"""

import pytest
from playwright.sync_api import expect

from couples.services import reflections, therapy
from tests.factories import space_of
from tests.ownership_helpers import DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALICE_KEEPS = "alice-own-copy-canary-81"
BOB_ADDS = "bob-adds-for-therapist-canary-92"


def test_therapist_copy_opens_only_after_both_agree_and_closes_at_once(
    page_for, new_context, log_in, alice, bob, couple, screenshot
):
    session = therapy.plan_session(
        space=space_of(alice), planned_for=DAY, therapist_name="Dr. Reyes"
    )
    therapy.add_topic(space=space_of(bob), session_id=session.pk, text="Mornings versus evenings")
    reflections.write_reflection(author=alice, body=ALICE_KEEPS, bring_to_therapy=True)
    reflections.write_reflection(author=bob, body=BOB_ADDS, bring_to_therapy=True)
    session_path = f"/therapy/{session.pk}/"

    alice_page = log_in(page_for("alice"), alice, path=session_path)
    alice_page.locator(".make-therapist-link summary").click()
    alice_page.locator("#therapist-link-therapist_name").fill("Dr. Reyes")
    alice_page.locator("#therapist-link-days").fill("10")
    alice_page.locator("#make-therapist-link").click()
    url_field = alice_page.locator("#new-therapist-link-url")
    expect(url_field).to_be_visible()
    url = url_field.input_value()
    assert "/t/" in url
    expect(alice_page.locator("#therapist-links")).to_contain_text("Waiting for Bob to agree.")

    therapist = new_context("therapist").new_page()
    therapist.context.cg_watch.allow(r"status of 404")
    response = therapist.goto(url)
    assert response.status == 404
    expect(therapist.locator("h1")).to_have_text("This link does not work")

    # bob agrees on his phone, without JavaScript, and adds one reflection of his.
    bob_page = log_in(page_for("bob", viewport="phone", javascript=False), bob, path=session_path)
    links = bob_page.locator("#therapist-links")
    expect(links).to_contain_text("Alice made this link. It works only if you agree too")
    links.get_by_role("button", name="I agree").click()
    expect(bob_page.locator("#therapist-links")).to_contain_text("you both agreed")
    bob_page.locator(".therapist-link-picks summary").click()
    bob_page.get_by_label("My reflection of").check()
    bob_page.get_by_role("button", name="Save my choice").click()
    expect(bob_page.locator("#messages")).to_contain_text("Saved")

    response = therapist.goto(url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    brief = therapist.locator("#brief")
    expect(brief).to_contain_text("Session brief, therapist’s copy")
    expect(brief).to_contain_text("Mornings versus evenings")
    expect(brief).to_contain_text(BOB_ADDS)
    assert ALICE_KEEPS not in therapist.content()
    screenshot(therapist, "therapist-copy")

    # Both see the opening.
    for page in (alice_page, bob_page):
        page.goto(session_path)
        expect(page.locator(".therapist-link-views")).to_contain_text("the page")

    # bob revokes: at once a 404.
    bob_page.locator("#therapist-links").get_by_role("button", name="Revoke").click()
    expect(bob_page.locator("#therapist-links")).to_contain_text("It no longer works.")
    response = therapist.goto(url)
    assert response.status == 404
