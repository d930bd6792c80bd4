"""Confirming with a passkey where the journal, its kept words and account
deletion ask (issue 18, item 2), in real Chromium with the DevTools virtual
authenticator. WebAuthn refuses an IP address as the site's name, so the pages
are opened at http://localhost (the same server)."""

import time
from importlib import import_module

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.reauth import SESSION_KEY
from couples.models import Reflection
from tests.browser.test_passkey_journey import page_with_a_passkey


def _let_the_window_lapse(context, minutes=16):
    """What 16 idle minutes do to the session (server side): every
    confirmation, ours and allauth's, is that old."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    key = next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = store(session_key=key)
    session[SESSION_KEY] = time.time() - minutes * 60
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    for record in records:
        record["at"] = time.time() - minutes * 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_passkey_confirms_the_journal_keeps_the_words_and_deletes_the_account(
    people, server, alice
):
    site, page = page_with_a_passkey(people, server, alice)

    # A long writing session: the window lapses before she saves.
    page.goto(f"{site}/reflections/")
    words = f"passkey-kept-{time.monotonic_ns()} what stayed with me"
    page.locator("#reflection-form textarea[name=body]").fill(words)
    _let_the_window_lapse(page.context)
    page.get_by_role("button", name="Save privately").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page.get_by_text("What you just wrote is kept")).to_be_visible()
    assert not Reflection.objects.filter(author=alice).exists()
    page.get_by_role("button", name="Confirm with my passkey").click()
    page.locator("#mfa_webauthn_reauthenticate").click()
    page.wait_for_url(f"{site}/reflections/**")
    expect(page.get_by_text(words)).to_be_visible()
    assert Reflection.objects.get(author=alice).body == words

    # Reading after idleness: the passkey opens the journal again.
    _let_the_window_lapse(page.context)
    page.goto(f"{site}/reflections/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_role("button", name="Confirm with my passkey").click()
    page.locator("#mfa_webauthn_reauthenticate").click()
    page.wait_for_url(f"{site}/reflections/")
    expect(page.get_by_text(words)).to_be_visible()

    # Deleting: a passkey a moment ago is the fresh confirmation; no password typed.
    page.goto(f"{site}/accounts/delete/")
    expect(page.get_by_label("Your password")).to_have_count(0)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account and everything I wrote").click()
    expect(page.get_by_text("Your account and everything you wrote are deleted.")).to_be_visible()
    assert not get_user_model().objects.filter(pk=alice.pk).exists()


def test_passkey_and_code_confirm_and_delete_pages_pass_axe(people, server, log_in, alice, bob):
    """The confirm page with a code field and the passkey button, the deletion
    page that asks to confirm first (alice: app and passkey), and both as a
    person with a password only (bob), light and dark, phone and desktop."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.browser.harness import axe_violations, format_axe_violations
    from tests.mfa_support import add_passkey

    TOTP.activate(alice, generate_totp_secret())
    RecoveryCodes.activate(alice)
    add_passkey(alice)
    found = []
    for who in (alice, bob):
        for scheme in ("light", "dark"):
            context = people.new_context(f"{who.display_name}-{scheme}", color_scheme=scheme)
            page = context.new_page()
            log_in(page, who)
            for path in ("/accounts/confirm-password/?next=/reflections/", "/accounts/delete/"):
                page.goto(path)
                for size in ({"width": 390, "height": 844}, {"width": 1366, "height": 900}):
                    page.set_viewport_size(size)
                    violations = axe_violations(page, {"rules": {}})
                    if violations:
                        found.append(f"{who} {scheme} {path}: {format_axe_violations(violations)}")
    assert not found, "\n".join(found)
