"""Removing the last factor needs the password (issue 18): when removing a
passkey or turning the authenticator app off would leave no passkey and no app
(recovery codes are no factor of their own: they go with it), allauth's own
pages ask for the current password as well as a fresh confirmation. Wrong
passwords remove nothing and are limited per person; a factor that is not the
last is removed as before; the security mail still goes."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD
from tests.mfa_support import add_passkey
from tests.test_mfa import totp

pytestmark = pytest.mark.django_db

FIELD = 'name="current_password"'


def confirm_with_recovery_code(client, user):
    """A fresh confirmation through allauth's own code page (a recovery code:
    the password alone no longer confirms once a factor exists)."""
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    response = client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert response.status_code == 302, response.content.decode()[-1500:]


@pytest.fixture
def last_passkey(make_client, alice):
    """Alice with one passkey and its recovery codes, freshly confirmed."""
    passkey = add_passkey(alice, "My phone")
    RecoveryCodes.activate(alice)
    client = make_client(alice)
    confirm_with_recovery_code(client, alice)
    mail.outbox.clear()
    return client, passkey


@pytest.fixture
def last_totp(make_client, alice):
    """Alice with only an authenticator app (and its recovery codes), confirmed."""
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    RecoveryCodes.activate(alice)
    client = make_client(alice)
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()[-1500:]
    mail.outbox.clear()
    return client


def remove_url(passkey):
    return reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk})


def factors(user):
    return set(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def test_last_passkey_removal_page_asks_for_the_password(last_passkey):
    client, passkey = last_passkey
    page = client.get(remove_url(passkey))
    assert page.status_code == 200
    html = page.content.decode()
    assert FIELD in html
    assert 'autocomplete="current-password"' in html
    assert "your password alone logs you in" in html


def test_last_passkey_removal_without_password_is_refused(last_passkey, alice):
    client, passkey = last_passkey
    response = client.post(remove_url(passkey))
    assert response.status_code == 200
    assert "Enter your current password" in response.content.decode()
    assert factors(alice) == {Authenticator.Type.WEBAUTHN, Authenticator.Type.RECOVERY_CODES}
    assert mail.outbox == []


def test_last_passkey_removal_with_a_wrong_password_removes_nothing(last_passkey, alice):
    client, passkey = last_passkey
    response = client.post(remove_url(passkey), {"current_password": "not my password"})
    assert response.status_code == 200
    assert "That password does not match. Nothing was removed." in response.content.decode()
    assert factors(alice) == {Authenticator.Type.WEBAUTHN, Authenticator.Type.RECOVERY_CODES}
    assert mail.outbox == []


def test_last_passkey_removal_with_the_right_password_removes_it_and_mails(last_passkey, alice):
    client, passkey = last_passkey
    response = client.post(remove_url(passkey), {"current_password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_list_webauthn")
    # The recovery codes go with the last factor (allauth's own cleanup).
    assert factors(alice) == set()
    subjects = [m.subject for m in mail.outbox if m.to == [alice.email]]
    assert "[Common Ground] A passkey was removed" in subjects


def test_passkey_not_the_last_is_removed_without_a_password(make_client, alice):
    passkey = add_passkey(alice, "My phone")
    add_passkey(alice, "My laptop")
    RecoveryCodes.activate(alice)
    client = make_client(alice)
    confirm_with_recovery_code(client, alice)
    page = client.get(remove_url(passkey))
    assert FIELD not in page.content.decode()
    mail.outbox.clear()
    response = client.post(remove_url(passkey))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    assert [m.subject for m in mail.outbox] == ["[Common Ground] A passkey was removed"]


def test_passkey_beside_an_authenticator_app_is_not_the_last(make_client, alice):
    passkey = add_passkey(alice, "My phone")
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    client = make_client(alice)
    assert client.post(reverse("mfa_reauthenticate"), {"code": totp(secret)}).status_code == 302
    assert FIELD not in client.get(remove_url(passkey)).content.decode()
    assert client.post(remove_url(passkey)).status_code == 302
    assert factors(alice) == {Authenticator.Type.TOTP}


def test_passkey_removal_still_asks_for_a_fresh_confirmation_first(make_client, alice):
    passkey = add_passkey(alice, "My phone")
    client = make_client(alice)  # a login alone is no fresh confirmation
    response = client.post(remove_url(passkey), {"current_password": PASSWORD})
    assert response.status_code == 302
    # (a passkey only: allauth sends her to confirm with it, never to the password)
    assert response["Location"].startswith(reverse("mfa_reauthenticate_webauthn"))
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_totp_last_factor_deactivation_without_password_is_refused(last_totp, alice):
    page = last_totp.get(reverse("mfa_deactivate_totp"))
    assert page.status_code == 200
    assert FIELD in page.content.decode()
    assert "does not match" not in page.content.decode()  # the GET is no attempt
    response = last_totp.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "Enter your current password" in response.content.decode()
    assert Authenticator.Type.TOTP in factors(alice)
    assert mail.outbox == []


def test_totp_last_factor_deactivation_with_a_wrong_password_removes_nothing(last_totp, alice):
    response = last_totp.post(reverse("mfa_deactivate_totp"), {"current_password": "nope nope"})
    assert response.status_code == 200
    assert "That password does not match. Nothing was removed." in response.content.decode()
    assert factors(alice) == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert mail.outbox == []


def test_totp_last_factor_deactivation_with_the_right_password_mails(last_totp, alice):
    response = last_totp.post(reverse("mfa_deactivate_totp"), {"current_password": PASSWORD})
    assert response.status_code == 302
    assert factors(alice) == set()
    subjects = [m.subject for m in mail.outbox if m.to == [alice.email]]
    assert "[Common Ground] The authenticator app was removed" in subjects


def test_totp_beside_a_passkey_is_turned_off_without_a_password(make_client, alice):
    add_passkey(alice, "My phone")
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    client = make_client(alice)
    assert client.post(reverse("mfa_reauthenticate"), {"code": totp(secret)}).status_code == 302
    assert FIELD not in client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert factors(alice) == {Authenticator.Type.WEBAUTHN}


def test_mfa_wrong_removal_passwords_are_limited_per_person(last_passkey, make_client, alice):
    client, passkey = last_passkey
    for n in range(5):
        wrong = client.post(
            remove_url(passkey), {"current_password": f"wrong {n}"}, REMOTE_ADDR=f"203.0.113.{n}"
        )
        assert "does not match" in wrong.content.decode()
    # A new session, another address: the sixth try in five minutes waits, even right.
    other = make_client(alice)
    confirm_with_recovery_code(other, alice)
    refused = other.post(
        remove_url(passkey), {"current_password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert refused.status_code == 200
    assert "Too many wrong passwords" in refused.content.decode()
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_mfa_a_right_removal_password_clears_the_count(make_client, alice):
    first = add_passkey(alice, "My phone")
    RecoveryCodes.activate(alice)
    client = make_client(alice)
    confirm_with_recovery_code(client, alice)
    for _ in range(4):
        client.post(remove_url(first), {"current_password": "wrong"})
    assert client.post(remove_url(first), {"current_password": PASSWORD}).status_code == 302
    second = add_passkey(alice, "My laptop")
    RecoveryCodes.activate(alice)
    confirm_with_recovery_code(client, alice)
    for _ in range(4):
        client.post(remove_url(second), {"current_password": "wrong"})
    assert client.post(remove_url(second), {"current_password": PASSWORD}).status_code == 302


def test_last_passkey_of_an_account_without_password_cannot_be_removed(make_client, alice):
    passkey = add_passkey(alice, "My phone")
    RecoveryCodes.activate(alice)
    alice.set_unusable_password()
    alice.save()
    client = make_client(alice)
    confirm_with_recovery_code(client, alice)
    response = client.post(remove_url(passkey), {"current_password": ""})
    assert response.status_code == 200
    assert "Set a password first" in response.content.decode()
    assert Authenticator.objects.filter(pk=passkey.pk).exists()
