"""The foundation journey (issue 2) in real Chromium: sign up, link, unlink.

alice and bob each use their own browser context; carol, an outsider, uses a
third and must never see anything of theirs.
"""

import re

import pytest
from playwright.sync_api import expect

from couples.access import current_space
from tests.browser.harness import log_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_FOUND = r"status of 404"


def expect_linked_with(page, name):
    expect(page.locator("#partner")).to_contain_text(name)
    expect(page.locator("#linking")).to_have_count(0)


def expect_not_linked(page):
    expect(page.locator("#linking")).to_be_visible()
    expect(page.locator("#linking h1")).to_have_text("Link with your partner")
    expect(page.locator("#partner")).to_have_count(0)


def make_invite_code(page):
    page.get_by_role("button", name="Make an invite code").click()
    code = page.locator("#invite-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    return code.inner_text()


def assert_sees_nothing_of(page, *names):
    html = page.content()
    for name in names:
        assert name not in html, f"{name!r} appears on {page.url}"


def carol_looks_around(page, people):
    """Every page carol can open shows nothing of alice and bob."""
    people.watch("carol").allow(NOT_FOUND)  # /unlink/ is a 404 for someone not linked
    for path, status in [
        ("/", 200),
        ("/join/", 200),
        ("/accounts/profile/", 200),
        ("/unlink/", 404),
    ]:
        response = page.goto(path)
        assert response.status == status, f"carol got {response.status} for {path}"
        assert_sees_nothing_of(page, "Alice", "Bob", "alice@example.com", "bob@example.com")
    page.goto("/")
    expect_not_linked(page)


def test_two_people_sign_up_link_and_unlink_while_an_outsider_sees_nothing(
    page_for, people, sign_up, log_in, carol, django_user_model, screenshot
):
    alice = page_for("alice")
    bob = page_for("bob", viewport="phone")  # partners often do this on their phones
    carol_page = log_in(page_for("carol"), carol)
    expect_not_linked(carol_page)

    sign_up(alice, email="alice@example.com", display_name="Alice")
    expect_not_linked(alice)
    expect(alice.locator("#nav-profile")).to_have_text("Alice")
    code = make_invite_code(alice)
    screenshot(alice, "invite-desktop")

    sign_up(bob, email="bob@example.com", display_name="Bob")
    expect_not_linked(bob)
    bob.locator("#join-form input[name=code]").fill(code.lower())  # typed, any case
    with bob.expect_navigation():
        bob.locator("#accept-invite").click()
    expect(bob.locator("#messages")).to_contain_text("You are now linked with Alice")
    expect_linked_with(bob, "Alice")

    alice.reload()
    expect_linked_with(alice, "Bob")
    screenshot(alice, "dashboard-linked-desktop")
    screenshot(bob, "dashboard-linked-phone")

    alice_user = django_user_model.objects.get(email="alice@example.com")
    bob_user = django_user_model.objects.get(email="bob@example.com")
    assert current_space(alice_user).partner == bob_user

    carol_looks_around(carol_page, people)

    bob.get_by_role("link", name="Unlink…").click()
    expect(bob.locator("h1")).to_have_text("Unlink from Alice?")
    bob.get_by_label("I understand").check()
    with bob.expect_navigation():
        bob.locator("#confirm-unlink").click()
    expect(bob.locator("#messages")).to_contain_text("You are no longer linked")
    expect_not_linked(bob)
    assert_sees_nothing_of(bob, "Alice")

    alice.reload()
    expect_not_linked(alice)
    assert_sees_nothing_of(alice, "Bob")
    assert current_space(alice_user) is None and current_space(bob_user) is None

    carol_looks_around(carol_page, people)
    people.assert_clean()


def test_partner_joins_through_the_invite_link_after_logging_in(page_for, log_in, alice, bob):
    alice_page = log_in(page_for("alice"), alice)
    make_invite_code(alice_page)
    link = alice_page.locator("#invite-link").input_value()
    assert "/join/" in link

    bob_page = page_for("bob")
    bob_page.goto(link)  # signed out: the link leads through the login page and back
    assert bob_page.url.split("?")[0].endswith("/accounts/login/")
    log_in_through_form(bob_page, email=bob.email)
    assert "/join/" in bob_page.url
    expect(bob_page.locator("#join-form input[name=code]")).not_to_have_value("")
    with bob_page.expect_navigation():
        bob_page.locator("#accept-invite").click()
    expect_linked_with(bob_page, "Alice")

    alice_page.reload()
    expect_linked_with(alice_page, "Bob")


def test_a_wrong_code_gets_a_clear_message_in_place(page_for, people, log_in, bob):
    bob_page = log_in(page_for("bob"), bob)
    people.watch("bob").allow(r"status of 4(00|22)")
    bob_page.locator("#join-form input[name=code]").fill("nope")
    bob_page.locator("#accept-invite").click()
    expect(bob_page.locator("#join-form")).to_contain_text("An invite code has 8 letters")
    bob_page.locator("#join-form input[name=code]").fill("ABCD-EFGH")
    bob_page.locator("#accept-invite").click()
    expect(bob_page.locator("#join-form .has-error")).to_be_visible()
    expect_not_linked(bob_page)


def test_invite_accept_and_unlink_work_without_javascript(page_for, people, log_in, alice, bob):
    alice_page = log_in(page_for("alice", javascript=False), alice)
    with alice_page.expect_navigation():
        alice_page.get_by_role("button", name="Make an invite code").click()
    code = alice_page.locator("#invite-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    # The code page is a GET after a redirect: a reload resubmits nothing and
    # shows the code no more (the invite made stays the one open).
    alice_page.reload()
    expect(alice_page.locator("#invite-card")).to_contain_text("You have an open invite")
    expect(alice_page.locator("#invite-code")).to_have_count(0)

    bob_page = log_in(page_for("bob", javascript=False), bob)
    people.watch("bob").allow(r"status of 4(00|22)")
    bob_page.locator("#join-form input[name=code]").fill("too-short")
    with bob_page.expect_navigation():
        bob_page.locator("#accept-invite").click()
    expect(bob_page.locator("#join-form")).to_contain_text("An invite code has 8 letters")

    bob_page.locator("#join-form input[name=code]").fill(code)
    with bob_page.expect_navigation():
        bob_page.locator("#accept-invite").click()
    expect_linked_with(bob_page, "Alice")

    alice_page.reload()
    expect_linked_with(alice_page, "Bob")

    with alice_page.expect_navigation():
        alice_page.get_by_role("link", name="Unlink…").click()
    people.watch("alice").allow(r"status of 422")
    with alice_page.expect_navigation():
        alice_page.locator("#confirm-unlink").click()  # forgot the box: asked again
    expect(alice_page.locator("#unlink-form")).to_contain_text("Tick the box")
    alice_page.get_by_label("I understand").check()
    with alice_page.expect_navigation():
        alice_page.locator("#confirm-unlink").click()
    expect_not_linked(alice_page)
    bob_page.reload()
    expect_not_linked(bob_page)


def test_the_console_watch_catches_csp_violations(page_for, people, log_in, carol):
    page = log_in(page_for("carol"), carol)
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
    }"""
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert people.watch("carol").csp_violations(), "an inline script ran unnoticed"
    assert page.evaluate("() => window.injected === undefined")
    people.watch("carol").take()
