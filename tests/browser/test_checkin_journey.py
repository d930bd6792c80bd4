"""The weekly check-in in real Chromium: alice (laptop) and bob (phone, 390 px)
fill this week's check-in at the same time, each seeing the other's words live
without reload; what bob is typing is never wiped by alice's push; a topic
moves to the next session's agenda (first with none planned: a clear word and
a link, nothing lost); and the same page works with JavaScript off."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from couples.models import AgendaTopic
from couples.services import therapy
from tests.factories import space_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def share_appreciation(page, text):
    field = page.locator("#checkin-appreciation-text")
    expect(field).to_have_value("")  # the step came back fresh after the last share
    field.fill(text)
    page.locator("#checkin-appreciation-add").click()
    expect(field).to_have_value("", timeout=10_000)  # saved: a fresh form in its place
    expect(page.locator("#checkin-appreciations")).to_contain_text(text)


def test_checkin_two_partners_fill_it_live_and_move_a_topic(
    page_for, log_in, alice, bob, couple, screenshot
):
    alice_page = log_in(page_for("alice"), alice, path="/")
    alice_page.locator("#checkin-link-a").click()  # from the dashboard
    assert alice_page.url.endswith("/checkin/")
    bob_page = log_in(page_for("bob", viewport="phone"), bob, path="/checkin/")
    for page in (alice_page, bob_page):
        expect(page.locator("#live-seq")).to_have_attribute("data-kind", "hello")
        page.evaluate("window.__notReloaded = true")

    # Appreciations first: each appears on the other's screen as it is shared.
    share_appreciation(alice_page, "The tea you made when I came home late")
    expect(bob_page.locator("#checkin-appreciations")).to_contain_text(
        "The tea you made when I came home late"
    )
    # Bob is typing what went well while alice shares another: his words stay.
    bob_page.locator("#checkin-went-well-text").fill("We ate together four evenings")
    share_appreciation(alice_page, "How calm you were on Tuesday")
    expect(bob_page.locator("#checkin-appreciations")).to_contain_text(
        "How calm you were on Tuesday"
    )
    expect(bob_page.locator("#checkin-went-well-text")).to_have_value(
        "We ate together four evenings"
    )
    bob_page.locator("#checkin-went-well-save").click()
    expect(alice_page.locator("#checkin-went-well")).to_contain_text(
        "We ate together four evenings"
    )

    # One topic each; bob moves alice's to the agenda: none planned yet.
    alice_page.locator("#checkin-topic-text").fill("Less phone time in bed")
    alice_page.locator("#checkin-topic-save").click()
    topics = bob_page.locator("#checkin-topics")
    expect(topics).to_contain_text("Less phone time in bed")
    expect(topics).to_contain_text("No session is planned yet")
    # The 409 answer is on purpose (swapped in, like every refusal with words).
    bob_page.context.cg_watch.allow(r"status of 409")
    topics.get_by_role("button", name="Put it on the next session’s agenda").click()
    expect(bob_page.locator("#checkin-topics-error")).to_contain_text(
        "No session is planned yet, so the topic stays here."
    )
    expect(bob_page.locator("#checkin-plan-session-link")).to_be_visible()
    assert not AgendaTopic.objects.exists()
    screenshot(bob_page, "checkin-phone")

    # With a session planned, the move puts it on that agenda, as alice's topic.
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=5)
    )
    bob_page.locator("#checkin-topics").get_by_role("button", name="Put it on").click()
    expect(bob_page.locator("#checkin-topics")).to_contain_text("On the agenda for the session on")
    expect(alice_page.locator("#checkin-topics")).to_contain_text(
        "On the agenda for the session on"
    )
    topic = AgendaTopic.objects.get()
    assert (topic.session_id, topic.added_by_id) == (session.pk, alice.pk)
    for page in (alice_page, bob_page):
        assert page.evaluate("window.__notReloaded") is True
    # The phone layout: nothing wider than the screen.
    width = bob_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(alice_page, "checkin-desktop")


def test_checkin_works_without_javascript(page_for, log_in, alice, bob, couple):
    page = log_in(page_for("alice", javascript=False), alice, path="/checkin/")
    page.locator("#checkin-appreciation-text").fill("Your patience")
    with page.expect_navigation():
        page.locator("#checkin-appreciation-add").click()
    assert page.url.endswith("/checkin/#step-appreciations")
    expect(page.locator("#checkin-appreciations")).to_contain_text("Your patience")
    page.locator("#checkin-went-well-text").fill("A quiet Sunday")
    with page.expect_navigation():
        page.locator("#checkin-went-well-save").click()
    expect(page.locator("#checkin-went-well")).to_contain_text("A quiet Sunday")
    with page.expect_navigation():
        page.locator("#checkin-appreciations").get_by_role("button", name="Take back").click()
    expect(page.locator("#checkin-appreciations")).not_to_contain_text("Your patience")
