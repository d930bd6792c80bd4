"""Every page works under the Content-Security-Policy (issue 6, baseline 2).

A linked person with a lived-in space opens every page they can reach; a
signed-out visitor opens the public ones. Each page must answer 200 with the
strict policy in its header, load its stylesheets and htmx, and leave the
console clean: the harness fails the test on any CSP violation (an inline
script, an inline style attribute, an eval) or console error.

Then, in every area, at least one htmx interaction is carried out and proved
to be a swap (the page was not reloaded: a marker set on ``window`` survives)
that shows the new content.
"""

import re

import pytest
from playwright.sync_api import expect

from couples.demo import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def space(couple, alice, bob):
    return furnish(alice, bob)


def assert_works_under_the_policy(page, response, path):
    assert response.status == 200, f"{path} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"{path} has no strict script-src: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy, policy
    loaded = page.evaluate(
        """() => ({
            htmx: typeof window.htmx === "object",
            sheets: [...document.styleSheets].filter(s => s.cssRules.length > 0).length,
        })"""
    )
    assert loaded["htmx"], f"htmx did not load on {path}"
    assert loaded["sheets"] >= 2, f"the stylesheets did not apply on {path}"


def visit(page, path, landmark):
    response = page.goto(path)
    assert_works_under_the_policy(page, response, path)
    expect(page.locator(landmark).first).to_be_visible()


def linked_pages(space):
    mine, theirs = space.statement.pk, space.partner_statement.pk
    reflection, session = space.reflection.pk, space.session.pk
    return [
        ("/", "#statements"),
        ("/statements/new/", "#statement-form"),
        (f"/statements/{mine}/edit/", "#statement-form"),
        (f"/statements/{mine}/history/", ".statement-history"),
        (f"/statements/{theirs}/history/", ".statement-history"),
        ("/timing/", "#timing-form"),
        ("/alternatives/", "#my-answers"),
        ("/reflections/", "#journal"),
        (f"/reflections/{reflection}/", "#reflection"),
        (f"/reflections/{reflection}/edit/", "#reflection-edit"),
        (f"/reflections/{reflection}/delete/", "main form"),
        (f"/therapy/{session}/", f"#agenda-{session}"),
        ("/checkin/", "#step-appreciations"),
        ("/accounts/profile/", "#profile-form"),
        ("/accounts/email/", "main form"),
        ("/accounts/password/change/", "main form"),
        ("/accounts/confirm-password/?next=/reflections/", "main form"),
        ("/unlink/", "#unlink-form"),
        ("/privacy/", "#privacy"),
    ]


SIGNED_OUT_PAGES = [
    ("/accounts/login/", "form[action$='/accounts/login/']"),
    ("/accounts/signup/", "form[action$='/accounts/signup/']"),
    ("/accounts/password/reset/", "main form"),
    ("/privacy/", "#privacy"),
]


def test_every_page_a_linked_person_reaches_works_under_the_policy(
    page_for, people, log_in, space, alice
):
    page = log_in(page_for("alice"), alice)
    for path, landmark in linked_pages(space):
        visit(page, path, landmark)
    people.assert_clean()

    visitor = page_for("visitor")
    for path, landmark in SIGNED_OUT_PAGES:
        visit(visitor, path, landmark)
    people.assert_clean()


class Swap:
    """Proves an interaction was an htmx swap, not a page load: a marker put on
    ``window`` before it must still be there after the new content shows."""

    def __init__(self, page):
        self.page = page

    def __enter__(self):
        self.page.evaluate("() => { window.__cgNoReload = true; }")
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            assert self.page.evaluate("() => window.__cgNoReload === true"), (
                f"{self.page.url} was reloaded: the interaction was not an htmx swap"
            )


def test_htmx_swaps_work_in_every_area_under_the_policy(page_for, people, log_in, space, alice):
    page = log_in(page_for("alice"), alice)
    people.watch("alice").allow(r"status of 422")  # the deliberate empty statement below

    # Statements: marking the partner's statement heard, and answering a question.
    theirs = page.locator(f"#statement-{space.partner_statement.pk}")
    with Swap(page):
        theirs.get_by_role("button", name=re.compile("heard this")).click()
        expect(theirs.locator(".statement-heard")).to_have_text("You marked this heard")
    question = page.locator(f"#question-{space.question.pk}")
    with Swap(page):
        question.locator("summary").click()
        question.get_by_role("textbox").fill("Yes, and a warm bath too.")
        question.get_by_role("button", name="Save answer").click()
        expect(page.locator(f"#question-{space.question.pk}")).to_contain_text(
            "You answered: Yes, and a warm bath too."
        )
    # ...and an empty statement is refused in place (422), nothing saved.
    page.goto("/statements/new/")
    with Swap(page):
        page.locator("#statement-save").click()
        expect(page.locator("#statement-form .has-error").first).to_be_visible()
        expect(page.locator("#statement-form")).to_contain_text("Please choose the reason")

    # Timing: saving the week swaps the editor and the picture.
    page.goto("/timing/")
    with Swap(page):
        page.select_option("#id_tue_late", "u")
        page.get_by_role("button", name="Save my week").click()
        expect(page.get_by_text("Your week is saved.")).to_be_visible()

    # Alternatives: an answer, a proposal; on the dashboard, taking a yes back.
    page.goto("/alternatives/")
    kissing = page.get_by_role("group", name="Kissing", exact=True)
    with Swap(page):
        with page.expect_response(lambda r: "/answer/" in r.url and r.request.method == "POST"):
            kissing.get_by_label("Maybe", exact=True).check()
        expect(page.locator("#messages")).to_have_text("Saved")
    with Swap(page):
        page.locator("#id_name").fill("Breakfast in bed")
        page.locator("#propose-submit").click()
        expect(page.get_by_role("group", name="Breakfast in bed", exact=True)).to_be_visible()
    page.goto("/")
    with Swap(page):
        page.get_by_role("button", name="Take back my yes to A massage").click()
        expect(page.locator("#alternatives .agreed-name")).to_have_count(3)

    # Reflections: writing one, and choosing to bring one to therapy.
    page.goto("/reflections/")
    with Swap(page):
        page.locator("#write summary").click()
        page.locator("#id_body").fill("A second entry, written in place.")
        page.get_by_role("button", name="Save privately").click()
        expect(page.locator("#messages")).to_contain_text("Saved in your journal.")
        expect(page.locator("#journal .reflection-item")).to_have_count(2)
    page.goto(f"/reflections/{space.reflection.pk}/")
    with Swap(page):
        page.get_by_role("button", name="Bring to therapy").click()
        expect(page.locator("#reflection")).to_contain_text("You chose to bring this to therapy")

    page.goto(f"/reflections/{space.reflection.pk}/edit/")
    with Swap(page):
        page.locator("#id_tags").fill("tuesday, calmer now")
        page.get_by_role("button", name="Save privately").click()
        expect(page.locator("#reflection .tag")).to_have_text(["tuesday", "calmer now"])
    assert page.url.endswith(f"/reflections/{space.reflection.pk}/")  # htmx pushed the URL

    # Therapy: adding a topic from the dashboard's agenda...
    page.goto("/")
    dashboard_agenda = f"#therapy #agenda-{space.session.pk}"
    with Swap(page):
        page.locator(f"{dashboard_agenda} input[name=text]").fill("Saying yes to a rain check")
        page.locator(dashboard_agenda).get_by_role("button", name="Add to the agenda").click()
        expect(page.locator(f"{dashboard_agenda} .agenda-topic")).to_have_count(3)
    assert page.url.endswith("/")
    # ...then moving one, marking it discussed (session page).
    page.goto(f"/therapy/{space.session.pk}/")
    agenda = f"#agenda-{space.session.pk}"
    with Swap(page):
        page.locator(f"{agenda} input[name=text]").fill("What helps after a no")
        page.get_by_role("button", name="Add to the agenda").click()
        expect(page.locator(f"{agenda} .agenda-topic")).to_have_count(4)
    with Swap(page):
        page.get_by_role("button", name="Move up: “What helps after a no”").click()
        expect(page.locator(f"{agenda} .topic-text").nth(2)).to_have_text("What helps after a no")
        page.get_by_role("button", name="Mark discussed: “What helps after a no”").click()
        expect(page.locator(f"{agenda} .agenda-topic.discussed")).to_have_count(1)

    # Profile: an empty name is refused in place; a good one reloads the page
    # (the name also shows in the header).
    page.goto("/accounts/profile/")
    with Swap(page):
        page.locator("#id_display_name").fill("")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#profile-form .has-error")).to_be_visible()
    page.locator("#id_display_name").fill("Alice M.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("#nav-profile")).to_have_text("Alice M.")
    expect(page.locator("#messages")).to_contain_text("Your display name was saved.")
    expect(page.locator("header.site-header")).to_have_count(1)  # not a page inside the page
