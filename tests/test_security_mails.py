"""Security mails (issue 18, item 4): a passkey or authenticator app added, one
removed, a password changed, a login from a new device. Each goes once, to the
account's own address only, in our voice: never the partner, never anything of
the space, never the host name outside a link."""

import base64
import json

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import new_device
from tests.factories import PASSWORD
from tests.mfa_support import add_passkey, registration
from tests.test_accounts_voice import assert_in_our_voice
from tests.test_mfa import activate_totp, confirm, log_in

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def security_mails(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def only_mail_to(user):
    assert all(m.to == [user.email] and not m.cc and not m.bcc for m in mail.outbox), [
        m.to for m in mail.outbox
    ]
    (message,) = mail.outbox
    return message


def never(bob):
    """Not the partner, not even the person's own name; no address of anyone."""
    return ("Alice", "Bob", bob.email, "127.0.0.1")


def test_a_password_change_mails_its_owner_once(alice_client, alice, bob, couple):
    mail.outbox.clear()
    response = alice_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    message = only_mail_to(alice)
    assert message.subject == "[Common Ground] Your password was changed"
    assert "Your password was changed." in message.body
    assert_in_our_voice(message, never=never(bob))


def test_a_new_passkey_mails_its_owner_once(make_client, alice, bob, couple):
    """Through the page, with a software passkey answering its challenge."""
    client = make_client()
    assert log_in(client, alice).status_code == 302
    confirm(client)
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    challenge = page.context["js_data"]["creation_options"]["publicKey"]["challenge"]
    credential = registration(
        rp_id="testserver",
        origin="http://testserver",
        challenge=base64.urlsafe_b64decode(challenge + "=" * (-len(challenge) % 4)),
    )
    mail.outbox.clear()
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "My phone", "credential": json.dumps(credential), "passwordless": "on"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.WEBAUTHN).count() == 1
    message = only_mail_to(alice)
    assert message.subject == "[Common Ground] A passkey was added"
    assert "A passkey was added: it can now log you in." in message.body
    assert_in_our_voice(message, never=(*never(bob), "My phone"))


def test_a_removed_passkey_mails_its_owner_once(make_client, alice, bob, couple):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.test_mfa import totp

    passkey = add_passkey(alice, "My phone")
    add_passkey(alice, "My laptop")
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    client = make_client(alice)  # (a password login would now ask for a passkey too)
    # With a second factor the password alone no longer confirms (issue 18, item 2):
    # a fresh confirmation with the app's code, through allauth's own page.
    confirmed = client.post(reverse("mfa_reauthenticate"), {"code": totp(secret)})
    assert confirmed.status_code == 302, confirmed.content.decode()[-1500:]
    mail.outbox.clear()
    response = client.post(reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk}))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    message = only_mail_to(alice)
    assert message.subject == "[Common Ground] A passkey was removed"
    assert "it can no longer log you in" in message.body
    assert_in_our_voice(message, never=(*never(bob), "My phone"))


@pytest.mark.django_db(transaction=True)  # allauth sends these after commit, in the request
def test_an_authenticator_app_added_then_removed_mails_each_once(make_client, alice, bob, couple):
    client = make_client()
    client.defaults["HTTP_USER_AGENT"] = FIREFOX_LINUX
    mail.outbox.clear()
    activate_totp(client, alice)
    subjects = [m.subject for m in security_mails(alice)]
    # The login of activate_totp came from a browser new to the account: its mail too.
    assert sorted(subjects) == [
        "[Common Ground] A login from a new device",
        "[Common Ground] An authenticator app was added",
    ]
    mail.outbox.clear()
    # The app is her last factor: turning it off asks for the password as well.
    response = client.post(reverse("mfa_deactivate_totp"), {"current_password": PASSWORD})
    assert response.status_code == 302
    message = only_mail_to(alice)
    assert message.subject == "[Common Ground] The authenticator app was removed"
    assert_in_our_voice(message, never=never(bob))


def test_a_login_from_a_new_browser_mails_once_and_the_same_browser_again_does_not(
    make_client, alice, bob, couple
):
    browser = make_client()
    browser.defaults["HTTP_USER_AGENT"] = FIREFOX_LINUX
    mail.outbox.clear()
    assert log_in(browser, alice).status_code == 302
    message = only_mail_to(alice)
    assert message.subject == "[Common Ground] A login from a new device"
    assert "Firefox on Linux" in message.body
    assert "Gecko" not in message.body and "x86_64" not in message.body  # never the raw string
    assert_in_our_voice(message, never=never(bob))
    assert new_device.COOKIE in browser.cookies
    assert browser.cookies[new_device.COOKIE]["httponly"]

    # The same browser, after a logout: known, no mail.
    browser.post(reverse("account_logout"))
    mail.outbox.clear()
    assert log_in(browser, alice).status_code == 302
    assert mail.outbox == []

    # Another browser (no cookie), or a forged cookie: new again.
    other = make_client()
    other.cookies[new_device.COOKIE] = "forged:value"
    assert log_in(other, alice).status_code == 302
    assert [m.subject for m in mail.outbox] == ["[Common Ground] A login from a new device"]


def test_a_browser_known_to_one_account_is_new_to_another(make_client, alice, bob):
    browser = make_client()
    assert log_in(browser, alice).status_code == 302
    browser.post(reverse("account_logout"))
    mail.outbox.clear()
    assert log_in(browser, bob).status_code == 302
    (message,) = mail.outbox
    assert message.to == [bob.email]


def test_signing_up_is_no_new_device(anon_client):
    anon_client.post(
        reverse("account_signup"),
        {
            "email": "dana@example.net",
            "display_name": "Dana",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "[Common Ground] A login from a new device" not in [m.subject for m in mail.outbox]
    # The browser that signed up is known: logging in with it after confirming is no news.
    assert new_device.COOKIE in anon_client.cookies


def test_security_mails_leave_through_the_queue(settings, make_client, alice):
    settings.EMAIL_BACKEND = "accounts.mail.QueuedEmailBackend"
    assert log_in(make_client(), alice).status_code == 302
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "accounts.tasks.send_email"
    queued = row.args_kwargs["kwargs"]["message"]
    assert queued["to"] == [alice.email]
    assert queued["subject"] == "[Common Ground] A login from a new device"


@pytest.mark.parametrize(
    "prefix",
    [
        "mfa/email/webauthn_added",
        "mfa/email/webauthn_removed",
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/recovery_codes_generated",
        "account/email/login_new_device",
    ],
)
def test_every_security_mail_template_is_ours(prefix, rf):
    from pathlib import Path

    from allauth.account.adapter import get_adapter
    from django.template.loader import get_template

    context = {"current_site": "a host", "device": "Firefox on Linux", "ip": "203.0.113.7"}
    message = get_adapter(rf.get("/")).render_mail(prefix, "erin@example.net", context)
    assert_in_our_voice(message, host="a host", never=("203.0.113.7",))
    repo = Path(__file__).resolve().parents[1]
    for part in ("subject", "message"):
        origin = Path(get_template(f"{prefix}_{part}.txt").origin.name)
        assert origin.is_relative_to(repo / "templates"), origin
