"""My patterns, shared, in real Chromium (issue 14, item 2): bob chooses to
share first (alice's dashboard stays exactly as it was); alice previews her
parts live as she ticks them (nothing saved), then shares: the couple view
appears on bob's dashboard without a reload; she stops: it goes from bob's
screen at once. axe-core finds nothing in the couple view at both screen
sizes. (Without JavaScript, the same choices are plain forms: POST-redirect-GET,
tested in tests/test_patterns_sharing.py.)"""

import re
import time

import pytest
from playwright.sync_api import expect

from couples.demo import furnish
from couples.models import PatternSharing
from couples.services import moment
from tests.factories import space_of

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5_000


@pytest.fixture
def space(couple, alice, bob):
    furnish(alice, bob)
    item = moment.ask(space=space_of(alice), kind="closeness", when="now")
    bobs = space_of(bob)
    moment.decline(
        space=bobs,
        ask_id=item.pk,
        card=moment.clean_card(bobs, reason="worn out", rain_check="come"),
    )


def wait_until_live(page):
    expect(page.locator("#live-seq")).to_have_attribute(
        "data-kind", re.compile(r"^(hello|change)$"), timeout=LIVE_MS
    )


def test_pattern_sharing_journey_live_on_both_screens(page_for, log_in, space, alice, bob):
    bob_page = log_in(page_for("bob"), bob, path="/patterns/sharing/")
    bob_page.check("#share-reasons")
    bob_page.click("#share-parts")
    expect(bob_page.locator("#sharing-saved")).to_be_visible()

    alice_page = log_in(page_for("alice"), alice)
    wait_until_live(alice_page)
    expect(alice_page.locator("#shared-patterns")).to_be_hidden()  # one is not both
    bob_page.goto("/")
    wait_until_live(bob_page)
    marker = f"kept-{time.monotonic_ns()}"
    bob_page.evaluate("(m) => { window.cgMarker = m; }", marker)

    # alice ticks a part: the preview follows, nothing is saved.
    alice_page.goto("/patterns/sharing/")
    alice_page.check("#share-asks")
    preview = alice_page.locator("#pattern-preview")
    expect(preview).to_contain_text("Preview of the parts ticked above")
    expect(preview.locator("dt")).to_have_text(["When I ask"])
    assert not PatternSharing.objects.filter(person=alice).exists()
    expect(bob_page.locator("#shared-patterns")).to_be_hidden()

    alice_page.click("#share-parts")
    expect(alice_page.locator("#sharing-saved")).to_be_visible()
    view = bob_page.locator("#shared-patterns")
    expect(view).to_be_visible(timeout=LIVE_MS)
    expect(view).to_contain_text("Alice’s patterns")
    expect(view).to_contain_text("When I say not now, it is most often because")
    assert bob_page.evaluate("() => window.cgMarker") == marker  # live, no reload
    for size, viewport in (("phone", (390, 844)), ("desktop", (1366, 900))):
        bob_page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        harness.assert_no_axe_violations(
            bob_page, f"couple view, {size}", context="#shared-patterns"
        )

    alice_page.click("#stop-sharing")
    expect(alice_page.locator("#sharing-saved")).to_contain_text("You share nothing")
    expect(bob_page.locator("#shared-patterns")).to_be_hidden(timeout=LIVE_MS)
    assert bob_page.evaluate("() => window.cgMarker") == marker
