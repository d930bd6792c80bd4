"""Passkeys in real Chromium, with the DevTools virtual authenticator
(WebAuthn.addVirtualAuthenticator): a person adds a passkey through allauth's
own pages, logs out, and logs in again with the passkey alone — no password
typed. WebAuthn refuses an IP address as the site's name, so these pages are
opened at http://localhost (the same server)."""

from playwright.sync_api import expect

from tests.browser.harness import log_in_through_form
from tests.factories import PASSWORD


def _virtual_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def page_with_a_passkey(people, server, user, *, name="Alice's test phone"):
    """``(site, page)``: ``user`` logged in with their password in a context with a
    virtual authenticator, one passkey added through allauth's pages. The site is
    http://localhost (WebAuthn needs a secure origin, and localhost is one)."""
    site = server.base_url.replace("127.0.0.1", "localhost")
    context = people.new_context(user.display_name.lower())
    page = context.new_page()
    _virtual_authenticator(context, page)
    page.goto(f"{site}/accounts/login/")
    log_in_through_form(page, email=user.email, password=PASSWORD)
    expect(page).to_have_url(f"{site}/")
    page.goto(f"{site}/accounts/2fa/webauthn/add/?passwordless=1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    return site, page


def test_passkey_added_then_used_to_log_in_without_a_password(people, server, alice):
    site = server.base_url.replace("127.0.0.1", "localhost")
    context = people.new_context("alice")
    page = context.new_page()
    cdp, authenticator = _virtual_authenticator(context, page)

    page.goto(f"{site}/accounts/login/")
    log_in_through_form(page, email=alice.email, password=PASSWORD)
    expect(page).to_have_url(f"{site}/")

    page.goto(f"{site}/accounts/2fa/webauthn/add/?passwordless=1")
    # Adding a factor asks for the password again first (allauth's reauthentication).
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name").fill("Alice's test phone")
    passwordless = page.get_by_label("Passwordless")
    if not passwordless.is_checked():
        passwordless.check()
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"] is True

    page.goto(f"{site}/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name="Alice's test phone", exact=True)).to_be_visible()

    # Log out, then in with the passkey alone.
    page.goto(f"{site}/")
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("button", name="Log in with a passkey").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("#nav-profile")).to_have_text(alice.display_name)
