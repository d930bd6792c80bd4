"""The therapy pages and the brief on a 390 x 844 phone (issue 15, item 5): no
page scrolls sideways, and every agenda button lies inside the screen.

A lived-in space (couples.demo.furnish: both weeks marked, a session with an
agenda) so the day-by-day overlap and the agenda's buttons are really there.
"""

import pytest

from couples.demo import furnish
from couples.models import TherapySession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390  # tests/browser/harness.py VIEWPORTS["phone"]

# A mobile viewport grows its layout to fit content that overflows, so
# innerWidth alone would hide the overflow: measure against the screen's width.
WIDEST = """(width) => {
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "");
  const out = [...document.querySelectorAll("body *")].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5;
  });
  return {
    scroll: document.scrollingElement.scrollWidth,
    inner: innerWidth,
    out: out.slice(0, 5).map(name),
  };
}"""


def test_therapy_pages_and_brief_fit_a_phone(page_for, log_in, alice, bob, couple, screenshot):
    furnish(alice, bob)
    session = TherapySession.objects.get()
    page = log_in(page_for("alice", viewport="phone"), alice, path="/")
    paths = {
        "dashboard": "/",
        "session": f"/therapy/{session.pk}/",
        "sessions": "/therapy/sessions/",
        "brief": f"/therapy/{session.pk}/brief/",
    }
    for name, path in paths.items():
        page.goto(path)
        measured = page.evaluate(WIDEST, PHONE_WIDTH)
        assert measured["scroll"] <= PHONE_WIDTH, (name, measured)
        assert measured["inner"] == PHONE_WIDTH, (name, measured)
        assert measured["out"] == [], (name, measured)
        if name in ("dashboard", "session"):
            buttons = page.locator(f"#agenda-{session.pk} .topic-actions button")
            assert buttons.count() >= 3
            for index in range(buttons.count()):
                box = buttons.nth(index).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (name, box)
        screenshot(page, f"therapy-{name}-phone")
    # The day-by-day words sit in the brief, with the unmarked times said once.
    page.goto(paths["brief"])
    words = page.locator("#overlap-days")
    assert words.is_visible()
    assert words.inner_text().lower().count("not marked by both") == 1


def test_therapist_copy_and_its_links_fit_a_phone(
    page_for, new_context, log_in, alice, bob, couple
):
    from couples.services import therapy
    from tests.factories import space_of

    furnish(alice, bob)
    session = TherapySession.objects.get()
    link, token = therapy.create_therapist_link(
        space=space_of(alice), session_id=session.pk, therapist_name="Dr. Reyes"
    )
    therapy.consent_to_therapist_link(space=space_of(bob), link_id=link.pk)
    therapy.create_therapist_link(
        space=space_of(bob), session_id=session.pk, therapist_name="Dr. Okafor"
    )
    page = log_in(page_for("alice", viewport="phone"), alice, path=f"/therapy/{session.pk}/")
    # The link shown once, in its full length, right after it is made.
    page.locator(".make-therapist-link summary").click()
    page.locator("#make-therapist-link").click()
    page.locator("#new-therapist-link-url").wait_for()
    therapist = new_context("therapist", viewport="phone").new_page()
    therapist.goto(f"/t/{token}/")
    for name, checked in (("session", page), ("therapist copy", therapist)):
        measured = checked.evaluate(WIDEST, PHONE_WIDTH)
        assert measured["scroll"] <= PHONE_WIDTH, (name, measured)
        assert measured["out"] == [], (name, measured)
