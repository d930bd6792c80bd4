"""The person's own time zone, detected by a real browser (Chromium's time-zone
emulation: Playwright's ``timezone_id``), and changed on the profile page."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect


def test_timezone_signup_stores_the_browsers_zone(page_for, sign_up, settings):
    page = page_for("alice", timezone_id="Pacific/Auckland")
    sign_up(page, email="tz-alice@example.com", display_name="Alice")
    assert get_user_model().objects.get(email="tz-alice@example.com").time_zone == (
        "Pacific/Auckland"
    )
    page.goto("/accounts/profile/")
    expect(page.locator("#profile-time-zone")).to_contain_text("Your time zone: Auckland")
    expect(page.locator("select[name=time_zone]")).to_have_value("Pacific/Auckland")
    expect(page.locator("#device-time-zone")).to_be_hidden()  # the device agrees


def test_timezone_signup_without_javascript_gets_the_servers_zone(page_for, sign_up, settings):
    page = page_for("bob", javascript=False, timezone_id="Pacific/Auckland")
    sign_up(page, email="tz-bob@example.com", display_name="Bob")
    person = get_user_model().objects.get(email="tz-bob@example.com")
    assert person.time_zone == settings.TIME_ZONE


def test_timezone_profile_offers_this_devices_zone(page_for, log_in, carol):
    page = log_in(
        page_for("carol", timezone_id="America/Los_Angeles"), carol, path="/accounts/profile/"
    )
    note = page.locator("#device-time-zone")
    expect(note).to_be_visible()
    expect(note).to_contain_text("This device is set to Los Angeles")
    note.get_by_role("button", name="Use this device’s zone").click()
    expect(page.locator("select[name=time_zone]")).to_have_value("America/Los_Angeles")
    expect(note).to_be_hidden()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(
        "Saved. Times are now shown as in Los Angeles."
    )
    carol.refresh_from_db()
    assert carol.time_zone == "America/Los_Angeles"
