"""The linked dashboard with realistic content, at phone and desktop width.

Always checked: every section renders and nothing is wider than a phone's
screen (no sideways scrolling). With ``CG_SCREENSHOTS=1`` the pictures are
saved as docs/screenshots/dashboard-phone.png and dashboard-desktop.png (the
README links them):

    CG_SCREENSHOTS=1 TEST_DATABASE_NAME=test_cg_x scripts/test -q -m browser \\
        tests/browser/test_dashboard_screenshots.py
"""

import pytest
from playwright.sync_api import expect

from couples.demo import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["#moment", "#statements", "#timing", "#alternatives", "#reflections", "#therapy"]


@pytest.fixture
def lived_in_space(couple, alice, bob):
    return furnish(alice, bob)


def fits_the_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.usefixtures("lived_in_space")
def test_the_linked_dashboard_fits_a_phone_and_a_desktop(new_context, log_in, alice, screenshot):
    for viewport in ("phone", "desktop"):
        page = log_in(new_context(f"alice-{viewport}", viewport=viewport).new_page(), alice)
        for section in SECTIONS:
            expect(page.locator(section)).to_be_visible()
        expect(page.locator("#alternatives .agreed-name")).to_have_count(4)
        expect(page.locator("#statements .statement")).to_have_count(3)
        expect(page.locator("#reflections .reflection-list li")).to_have_count(1)
        assert fits_the_screen(page), f"the dashboard scrolls sideways at {viewport} width"
        screenshot(page, f"dashboard-{viewport}")
