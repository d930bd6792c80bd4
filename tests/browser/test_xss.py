"""HTML and JavaScript typed into anything a partner can see renders as text and
never runs (issue 6: "a <script> payload never executes in the browser test").

alice fills every free-text field her partner sees with payloads (a script
tag, an image with an error handler, an attribute break-out into an SVG with a
load handler): her statement, her timing notes, an activity she proposes, the
session's therapist, agenda topics and notes, her answer to a question, and her
display name; bob asks a question the same way. Each partner then opens every
page showing the other's words. On each page: ``window.__pwned`` stays
undefined, no element the payload would create exists, and the payload is
there as visible text. Two layers are at work (escaping, and the CSP that would
block an inline handler); the harness fails the test on any CSP violation, so
escaping alone must hold.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from couples.models import AlternativeActivity
from couples.services import alternatives, statements, therapy, timing
from tests.factories import space_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload="window.__pwned=1">'
ALL = f"{SCRIPT} {IMG} {SVG}"
# The display name holds at most 60 characters: an attribute break-out into an image.
NAME = '"><img src=x onerror="window.__pwned=1">'

INJECTED = """() => ({
    pwned: window.__pwned,
    handlers: document.querySelectorAll("[onerror], [onload], [onclick]").length,
    images: document.querySelectorAll('img[src="x"]').length,
    inline_scripts: document.querySelectorAll(
        // A JSON data block (base.html's words for the scripts) never runs.
        'script:not([src]):not([type="application/json"])').length,
})"""


def assert_inert(page, *texts):
    """Nothing ran or was created on this page, and every text shows as text."""
    found = page.evaluate(INJECTED)
    assert found == {"pwned": None, "handlers": 0, "images": 0, "inline_scripts": 0}, (
        f"{page.url}: {found}"
    )
    body = page.locator("body")
    for text in texts:
        expect(body).to_contain_text(text)


@pytest.fixture
def payloads(couple, alice, bob):
    statement = statements.add_statement(
        space=space_of(alice),
        reason="other",
        meaning=f"means {SCRIPT}",
        not_meaning=f"not {IMG}",
        reassurance=f"hold {SVG}",
        rain_check=f"later {ALL}",
    )
    timing.save_timing(
        space=space_of(alice), cells="u" * 35, notes=f"notes {ALL}", expected_version=0
    )
    session = therapy.plan_session(
        space=space_of(alice),
        planned_for=timezone.localdate() + datetime.timedelta(days=3),
        therapist_name=f"{SCRIPT} {SVG}",
    )
    therapy.add_topic(
        space=space_of(alice), session_id=session.pk, text=f"topic {ALL}", note=f"note {ALL}"
    )
    hug = AlternativeActivity.objects.get(catalogue_key="cuddling")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=hug.pk, answer="yes")
    return statement, session


def test_payloads_in_every_shared_field_render_as_text_and_never_run(
    page_for, log_in, payloads, alice, bob
):
    statement, session = payloads
    alice_page = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob"), bob)

    # alice renames herself and proposes an activity through the pages (htmx).
    alice_page.goto("/accounts/profile/")
    alice_page.locator("#id_display_name").fill(NAME)
    with alice_page.expect_navigation():
        alice_page.get_by_role("button", name="Save").click()
    expect(alice_page.locator("#nav-profile")).to_have_text(NAME)
    assert_inert(alice_page, NAME)
    alice_page.goto("/alternatives/")
    proposal = f"{SVG} {IMG}"
    alice_page.locator("#id_name").fill(proposal)
    alice_page.locator("#propose-submit").click()
    expect(alice_page.get_by_role("group", name=proposal, exact=True)).to_be_visible()
    assert_inert(alice_page, proposal)
    with alice_page.expect_response(lambda r: "/answer/" in r.url and r.request.method == "POST"):
        alice_page.get_by_role("group", name=proposal, exact=True).get_by_label("Yes").check()
    expect(alice_page.locator("#messages")).to_have_text("Saved")

    # bob: every page showing alice's words; he asks a question (an htmx swap).
    bob_page.goto("/alternatives/")
    bob_page.get_by_role("group", name=proposal, exact=True).get_by_label("Yes").check()
    expect(bob_page.locator("#alternatives .agreed-name")).to_have_count(2)
    assert_inert(bob_page, proposal)
    bob_page.goto("/")
    theirs = bob_page.locator(f"#statement-{statement.pk}")
    theirs.locator("summary", has_text="Ask a question").click()
    theirs.get_by_role("textbox").fill(f"question {ALL}")
    theirs.get_by_role("button", name="Ask").click()
    expect(bob_page.locator(f"#statement-{statement.pk}")).to_contain_text(f"question {ALL}")
    assert_inert(
        bob_page,
        NAME,  # "You share this space with ...", "...'s statements"
        f"means {SCRIPT}",
        f"not {IMG}",
        f"hold {SVG}",
        f"later {ALL}",
        f"topic {ALL}",
        f"note {ALL}",
        f"with {SCRIPT} {SVG}",
        proposal,
    )
    expect(bob_page.locator(".timing-partner")).to_contain_text(f"notes {ALL}")
    assert_inert(bob_page)

    # alice sees bob's question and answers it.
    alice_page.goto("/")
    asked = alice_page.locator(f"#statement-{statement.pk} .statement-question")
    expect(asked).to_contain_text(f"question {ALL}")
    assert_inert(alice_page, f"question {ALL}")
    asked.get_by_role("textbox").fill(f"answer {ALL}")
    asked.get_by_role("button", name="Save answer").click()
    expect(alice_page.locator(f"#statement-{statement.pk}")).to_contain_text(f"answer {ALL}")
    assert_inert(alice_page)

    # bob again: the answer, the history, the week, the session page.
    for path, texts in [
        ("/", [f"answer {ALL}"]),
        (f"/statements/{statement.pk}/history/", [NAME, f"means {SCRIPT}", f"answer {ALL}"]),
        ("/timing/", []),
        (f"/therapy/{session.pk}/", [f"topic {ALL}", f"note {ALL}", f"{SCRIPT} {SVG}", NAME]),
    ]:
        bob_page.goto(path)
        assert_inert(bob_page, *texts)
    # The accessible names built from the text (aria-label attributes) hold it as text too.
    bob_page.goto("/")
    expect(bob_page.get_by_role("button", name=f"Take back my yes to {proposal}")).to_have_count(1)
    bob_page.goto(f"/therapy/{session.pk}/")
    expect(bob_page.get_by_role("button", name=f"Mark discussed: “topic {ALL}”")).to_have_count(1)
    assert_inert(bob_page)
