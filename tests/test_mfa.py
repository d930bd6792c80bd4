"""A second step from allauth.mfa, on real requests: an authenticator app's
codes (computed here by RFC 6238 from the secret the page shows), single-use
recovery codes, wrong codes throttled per person, and passkeys that only their
own person can rename or remove. The passkey journeys in Chromium are in
tests/browser/test_passkey_journey.py."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD
from tests.mfa_support import add_passkey

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written here, not taken from allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def confirm(client, password=PASSWORD):
    """allauth's own fresh confirmation (a login alone does not count)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[-1500:]


def activate_totp(client, user):
    """Through the pages: log in, confirm, open the page, type a code."""
    assert log_in(client, user).status_code == 302
    confirm(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return secret


def test_totp_activated_with_a_generated_code_then_asked_for_at_login(make_client, alice):
    secret = activate_totp(make_client(), alice)
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    client = make_client()
    response = log_in(client, alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the code is given.
    assert client.get(reverse("dashboard")).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_mfa_recovery_codes_work_once_each(make_client, alice):
    setup = make_client()
    activate_totp(setup, alice)
    codes = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    first = make_client()
    log_in(first, alice)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert first.get(reverse("dashboard")).status_code == 200
    second = make_client()
    log_in(second, alice)
    again = second.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    assert "incorrect" in again.content.decode().lower()
    assert second.get(reverse("dashboard")).status_code == 302


def test_mfa_wrong_codes_are_throttled_per_person_even_across_addresses(make_client, alice):
    secret = activate_totp(make_client(), alice)
    for n in range(5):
        client = make_client()
        log_in(client, alice)
        address = f"203.0.113.{n + 1}"
        response = client.post(reverse("mfa_authenticate"), {"code": "123456"}, REMOTE_ADDR=address)
        assert response.status_code == 200
    client = make_client()
    log_in(client, alice)
    # Even the right code waits now: the sixth try in five minutes is refused.
    refused = client.post(
        reverse("mfa_authenticate"), {"code": totp(secret)}, REMOTE_ADDR="198.51.100.7"
    )
    assert refused.status_code == 200
    assert re.search(r"too many", refused.content.decode(), re.IGNORECASE)
    assert client.get(reverse("dashboard")).status_code == 302


def test_mfa_a_right_code_clears_the_count(make_client, alice):
    secret = activate_totp(make_client(), alice)
    for _ in range(3):
        client = make_client()
        log_in(client, alice)
        client.post(reverse("mfa_authenticate"), {"code": "123456"})
    client = make_client()
    log_in(client, alice)
    assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302
    for _ in range(4):
        client = make_client()
        log_in(client, alice)
        assert client.post(reverse("mfa_authenticate"), {"code": "123456"}).status_code == 200
    # Seven wrong in all, but never five since the right one: a code still works
    # (a recovery code: the app's code of this half-minute is spent, never reused).
    codes = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    client = make_client()
    log_in(client, alice)
    recovery = codes.wrap().get_unused_codes()[0]
    assert client.post(reverse("mfa_authenticate"), {"code": recovery}).status_code == 302


def test_totp_a_code_is_never_accepted_twice(make_client, alice):
    secret = activate_totp(make_client(), alice)
    code = totp(secret)
    first = make_client()
    log_in(first, alice)
    if first.post(reverse("mfa_authenticate"), {"code": code}).status_code != 302:
        pytest.fail("the code of this half-minute should work once")
    second = make_client()
    log_in(second, alice)
    assert second.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert second.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("name", ["mfa_remove_webauthn", "mfa_edit_webauthn"])
def test_passkey_of_someone_else_is_404_even_after_a_fresh_confirmation(
    make_client, alice, bob, name
):
    alices = add_passkey(alice, "Alice's phone")
    client = make_client()
    assert log_in(client, bob).status_code == 302
    confirm(client)  # a fresh confirmation for bob
    assert client.get(reverse(name, kwargs={"pk": alices.pk})).status_code == 404
    assert client.post(reverse(name, kwargs={"pk": alices.pk}), {"name": "mine"}).status_code == 404
    alices.refresh_from_db()
    assert alices.data["name"] == "Alice's phone"


def test_passkey_names_are_their_owners_alone(make_client, alice, bob, couple):
    add_passkey(alice, "Qz7-alices-passkey")
    bob_client = make_client()
    log_in(bob_client, bob)
    for url in (reverse("mfa_index"), reverse("mfa_list_webauthn"), reverse("dashboard")):
        assert "Qz7-alices-passkey" not in bob_client.get(url).content.decode()
    alice_client = make_client(alice)
    assert "Qz7-alices-passkey" in alice_client.get(reverse("mfa_list_webauthn")).content.decode()
