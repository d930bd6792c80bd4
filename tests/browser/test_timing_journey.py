"""Timing in real Chromium: keyboard/select input with htmx, the same with
JavaScript off, and both partners seeing the same overlap picture.

(Ported from tests/test_timing_browser.py onto the shared harness.)
"""

import pytest
from playwright.sync_api import expect

from couples.services.timing import save_timing
from tests.factories import space_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEATMAP = "#timing-overlap svg.heatmap"


def overlap_svg(page):
    return page.locator(HEATMAP).inner_html()


def test_partners_fill_their_weeks_with_and_without_javascript_and_see_one_picture(
    page_for, log_in, couple, alice, bob
):
    save_timing(space=space_of(bob), cells="u" * 35, notes="", expected_version=0)

    # Alice, JavaScript on: the save swaps the editor and the preview in place.
    alice_page = log_in(page_for("alice"), alice)
    with alice_page.expect_navigation():
        alice_page.click("#timing-edit-link")
    assert alice_page.url.endswith("/timing/")
    expect(alice_page.locator(f"{HEATMAP} .hm-strong")).to_have_count(0)
    alice_page.focus("#id_mon_evening")
    alice_page.select_option("#id_mon_evening", "u")
    alice_page.select_option("#id_sat_late", "s")
    alice_page.get_by_role("button", name="Save my week").press("Enter")
    expect(alice_page.get_by_text("Your week is saved.")).to_be_visible()
    assert alice_page.url.endswith("/timing/")  # an htmx swap, not a navigation
    expect(alice_page.locator(f"{HEATMAP} .hm-strong")).to_have_count(1)
    expect(alice_page.locator(f"{HEATMAP} .hm-good")).to_have_count(1)
    # The editor came back with what was saved.
    expect(alice_page.locator("#id_mon_evening")).to_have_value("u")
    expect(alice_page.locator("#id_sat_late")).to_have_value("s")
    # Every select has a name a screen reader can announce: day and part of day.
    expect(alice_page.get_by_label("Tuesday, Early morning")).to_have_count(1)

    # Bob, JavaScript off: a plain POST, then back to the dashboard.
    bob_page = log_in(page_for("bob", javascript=False), bob, path="/timing/")
    bob_page.select_option("#id_sat_late", "r")
    with bob_page.expect_navigation():
        bob_page.get_by_role("button", name="Save my week").click()
    assert bob_page.url.endswith("/#timing")
    expect(bob_page.get_by_text("Your week is saved.")).to_have_count(1)
    expect(bob_page.locator(f"{HEATMAP} .hm-low")).to_have_count(1)

    alice_page.goto("/")
    assert overlap_svg(alice_page) == overlap_svg(bob_page)
    # The CSP watch (console errors and violations) is checked at teardown.
