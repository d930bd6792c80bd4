"""Timing in real Chromium: keyboard/select input with htmx, the same with
JavaScript off, and both partners seeing the same overlap picture."""

import os

import pytest

from couples.services.timing import save_timing
from tests.factories import PASSWORD, UserFactory, link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the live server's ORM
# calls happen in its own thread, but fixtures touch the ORM from this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-dev-shm-usage", "--disable-gpu"]


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice = UserFactory(email="alice@example.com", display_name="Alice")
    bob = UserFactory(email="bob@example.com", display_name="Bob")
    link(alice, bob)
    return alice, bob


def signed_in_page(browser, base_url, email, *, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            page.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(base_url + "/")
    return page


def overlap_svg(page):
    return page.locator("#timing-overlap svg.heatmap").inner_html()


def test_partners_fill_their_weeks_with_and_without_javascript_and_see_one_picture(
    live_server, chromium, people
):
    _alice, bob = people
    save_timing(author=bob, cells="u" * 35, notes="", expected_version=0)

    # Alice, JavaScript on: the save swaps the editor and the preview in place.
    alice_page = signed_in_page(chromium, live_server.url, "alice@example.com")
    alice_page.click("#timing-edit-link")
    alice_page.wait_for_url(live_server.url + "/timing/")
    assert alice_page.locator("#timing-overlap svg.heatmap .hm-strong").count() == 0
    alice_page.focus("#id_mon_evening")
    alice_page.select_option("#id_mon_evening", "u")
    alice_page.select_option("#id_sat_late", "s")
    alice_page.get_by_role("button", name="Save my week").press("Enter")
    alice_page.get_by_text("Your week is saved.").wait_for()
    assert alice_page.url == live_server.url + "/timing/"
    assert alice_page.locator("#timing-overlap svg.heatmap .hm-strong").count() == 1
    assert alice_page.locator("#timing-overlap svg.heatmap .hm-good").count() == 1
    # Every select has a name a screen reader can announce: day and part of day.
    assert alice_page.get_by_label("Tuesday, Early morning").count() == 1

    # Bob, JavaScript off: a plain POST, then back to the dashboard.
    bob_page = signed_in_page(chromium, live_server.url, "bob@example.com", javascript=False)
    bob_page.goto(live_server.url + "/timing/")
    bob_page.select_option("#id_sat_late", "r")
    bob_page.click("text=Save my week")
    bob_page.wait_for_url(live_server.url + "/#timing")
    assert bob_page.get_by_text("Your week is saved.").count() == 1
    assert bob_page.locator("#timing-overlap svg.heatmap .hm-low").count() == 1

    alice_page.goto(live_server.url + "/")
    assert overlap_svg(alice_page) == overlap_svg(bob_page)
    assert alice_page.csp_errors == [] and bob_page.csp_errors == []
    alice_page.context.close()
    bob_page.context.close()
