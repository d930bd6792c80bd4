"""Removing the last passkey in real Chromium (issue 18): after the passkey is
added through allauth's pages, removing it — the last factor — asks for the
current password as well; a wrong one removes nothing; the page passes axe."""

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.harness import axe_violations, format_axe_violations
from tests.browser.test_passkey_journey import page_with_a_passkey
from tests.factories import PASSWORD


def test_last_passkey_removal_asks_for_the_password(people, server, alice):
    site, page = page_with_a_passkey(people, server, alice)

    # Still within the fresh confirmation: the removal page, with a password field.
    page.goto(f"{site}/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Remove Alice's test phone").click()
    expect(page.get_by_role("heading", name="Remove a passkey")).to_be_visible()
    expect(page.locator("#remove-last-factor")).to_be_visible()
    violations = axe_violations(page, {"rules": {}})
    assert not violations, format_axe_violations(violations)

    page.get_by_label("Your current password").fill("not my password")
    page.get_by_role("button", name="Remove this passkey").click()
    expect(page.get_by_text("That password does not match. Nothing was removed.")).to_be_visible()
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.WEBAUTHN).exists()

    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Remove this passkey").click()
    page.wait_for_url(f"{site}/accounts/2fa/webauthn/")
    expect(page.get_by_text("No passkeys yet.")).to_be_visible()
    assert not Authenticator.objects.filter(user=alice).exists()


def test_totp_last_factor_page_asks_for_the_password_and_passes_axe(people, server, log_in, bob):
    """Bob's only factor is an app: turning it off asks for the password too."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.test_mfa import totp

    secret = generate_totp_secret()
    TOTP.activate(bob, secret)
    RecoveryCodes.activate(bob)
    found = []
    for scheme in ("light", "dark"):
        context = people.new_context(f"bob-{scheme}", color_scheme=scheme)
        page = context.new_page()
        log_in(page, bob, path="/accounts/2fa/reauthenticate/")
        codes = Authenticator.objects.get(user=bob, type=Authenticator.Type.RECOVERY_CODES)
        code = codes.wrap().get_unused_codes()[0] if scheme == "dark" else totp(secret)
        page.locator("input[name=code]").fill(code)
        page.locator("input[name=code]").press("Enter")
        page.wait_for_url(lambda url: "/reauthenticate/" not in url)
        page.goto("/accounts/2fa/totp/deactivate/")
        expect(page.get_by_role("heading", name="Turn the authenticator app off")).to_be_visible()
        expect(page.get_by_label("Your current password")).to_be_visible()
        violations = axe_violations(page, {"rules": {}})
        if violations:
            found.append(f"{scheme}: {format_axe_violations(violations)}")
    assert not found, "\n".join(found)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Turn the app off").click()
    page.wait_for_url(lambda url: "/deactivate/" not in url)
    assert not Authenticator.objects.filter(user=bob).exists()
