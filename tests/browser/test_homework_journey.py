"""Homework between sessions in real Chromium, two partners at once: alice
proposes sensate focus on her laptop; bob, on his phone, sees it arrive live and
accepts; both say they are ready, and the exercise moves to stage 2 on both
screens without a reload. Then bob marks a time done with a note, on the
homework page, without JavaScript's help (a plain POST and redirect). axe-core
finds nothing on the dashboard part or the homework page at phone width, and
nothing there scrolls sideways."""

import pytest
from playwright.sync_api import expect

from couples.models import Homework

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_homework_journey_propose_accept_both_confirm_live(
    page_for, log_in, alice, bob, couple, screenshot
):
    alice_page = log_in(page_for("alice"), alice, path="/")
    bob_page = log_in(page_for("bob", viewport="phone"), bob, path="/")
    for page in (alice_page, bob_page):
        expect(page.locator("#live-seq")).to_have_attribute("data-kind", "hello")
        page.evaluate("window.__notReloaded = true")

    # alice proposes the staged exercise, with a word of her own.
    section = alice_page.locator("#homework")
    section.locator("summary", has_text="Propose homework").click()
    section.get_by_label("Sensate focus").check()
    section.get_by_label("The homework, in your words").fill("Sunday evenings, phones away")
    section.get_by_role("button", name="Propose", exact=True).click()
    expect(section).to_contain_text("You proposed this.")
    homework = Homework.objects.get()

    # It arrives on bob's phone, live: his to accept.
    bobs = bob_page.locator("#homework")
    expect(bobs).to_contain_text("Sunday evenings, phones away")
    expect(bobs).to_contain_text("Alice proposed this.")
    assert harness.axe_violations(bob_page, context="#homework") == []
    bobs.get_by_role("button", name="Accept").click()
    expect(section).to_contain_text("Stage 1 of 4: Touch without a goal")
    expect(section.get_by_role("button", name="Accept")).to_have_count(0)

    # Both say they are ready: it moves on only after the second.
    section.get_by_role("button", name="I am ready for the next stage").click()
    expect(section).to_contain_text("You are ready for the next stage.")
    expect(bobs).to_contain_text("Alice is ready for the next stage, whenever you are.")
    expect(bobs).to_contain_text("Stage 1 of 4")
    bobs.get_by_role("button", name="I am ready for the next stage").click()
    for page in (alice_page, bob_page):
        expect(page.locator("#homework")).to_contain_text(
            "Stage 2 of 4: The whole body, still without a goal"
        )
        assert page.evaluate("window.__notReloaded") is True
    homework.refresh_from_db()
    assert homework.stage == 2
    screenshot(bob_page, "homework-stage-2-phone")
    assert harness.axe_violations(bob_page, context="#homework") == []
    assert bob_page.evaluate(NO_SIDEWAYS)

    # Without JavaScript: bob marks a time done on the homework page.
    plain_page = log_in(
        page_for("bob-no-js", javascript=False, viewport="phone"), bob, path="/homework/"
    )
    plain_page.locator("summary", has_text="Mark a time done").click()
    plain_page.get_by_label("Note (optional)").fill("Slow and kind")
    plain_page.get_by_role("button", name="Mark done").click()
    assert plain_page.url.endswith(f"/homework/#homework-{homework.pk}")
    expect(plain_page.locator("#homework-history")).to_contain_text("Slow and kind")
    # ...and it is on alice's open dashboard, live.
    expect(section).to_contain_text("Slow and kind")
    assert harness.axe_violations(bob_page) == []
