"""Re-authentication with any factor (issue 18, item 2): a code or a passkey
confirms the journal, export and deletion as well as the password; allauth's
fresh re-authentication and ours count for each other; the sliding window, the
kept POST and the limit on wrong answers stay. The passkey journey itself runs
in Chromium (tests/browser/test_passkey_reauth.py)."""

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.reauth import MAX_FAILED_CONFIRMATIONS, SESSION_KEY
from couples.models import Reflection
from couples.services.reflections import write_reflection
from tests.factories import PASSWORD
from tests.mfa_support import add_passkey
from tests.reflections_helpers import forget_reauth, lapse_reauth
from tests.test_mfa import totp

pytestmark = pytest.mark.django_db

SECRET = "rr-any-factor-canary-5e21"


@pytest.fixture
def reflection(alice):
    return write_reflection(author=alice, body=f"Body {SECRET}")


@pytest.fixture
def alice_totp(alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    RecoveryCodes.activate(alice)
    return secret


def confirm_page(client, next_url):
    lapse_reauth(client)
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth_confirm"))
    return response["Location"]


def age_factor_records(client, minutes):
    """Make allauth's re-authentication records ``minutes`` old (as time would)."""
    session = client.session
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    for record in records:
        record["at"] = time.time() - minutes * 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_totp_code_on_the_confirm_page_opens_the_journal(alice_client, alice_totp, reflection):
    location = confirm_page(alice_client, reverse("reflections"))
    page = alice_client.get(location)
    html = page.content.decode()
    assert "authenticator app" in html
    assert 'name="reauth_code"' in html
    assert SECRET not in html
    response = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_code": totp(alice_totp), "next": reverse("reflections")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reflections")
    assert SECRET in alice_client.get(reverse("reflections")).content.decode()


def test_totp_code_offered_only_to_people_who_have_one(alice_client):
    page = alice_client.get(reverse("reauth_confirm"))
    assert 'name="reauth_code"' not in page.content.decode()
    assert 'name="reauth_password"' in page.content.decode()


def test_reauth_recovery_code_confirms_once(alice_client, alice, alice_totp, reflection):
    code = RecoveryCodes(Authenticator.objects.get(user=alice, type="recovery_codes"))
    code = code.get_unused_codes()[0]
    confirm_page(alice_client, reverse("reflections"))
    ok = alice_client.post(reverse("reauth_confirm"), {"reauth_code": code, "next": "/"})
    assert ok.status_code == 302
    lapse_reauth(alice_client)
    age_factor_records(alice_client, 16)
    again = alice_client.post(reverse("reauth_confirm"), {"reauth_code": code, "next": "/"})
    assert again.status_code == 422
    assert alice_client.get(reverse("reflections")).status_code == 302


def test_mfa_reauthenticate_page_of_allauth_counts_for_the_journal(
    alice_client, alice_totp, reflection
):
    lapse_reauth(alice_client)
    assert alice_client.get(reverse("reflections")).status_code == 302
    response = alice_client.post(
        f"{reverse('mfa_reauthenticate')}?next={reverse('reflections')}",
        {"code": totp(alice_totp), "next": reverse("reflections")},
    )
    assert response.status_code == 302
    opened = alice_client.get(reverse("reflections"))
    assert opened.status_code == 200
    assert SECRET in opened.content.decode()


def test_reauth_on_our_page_counts_for_the_security_settings(alice_client, alice_totp):
    # Security settings (allauth's reauthentication_required) ask first...
    asked = alice_client.get(reverse("mfa_view_recovery_codes"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("mfa_reauthenticate"))
    # ...and a code on our confirm page is allauth's confirmation too.
    forget_reauth(alice_client)
    response = alice_client.post(
        reverse("reauth_confirm"), {"reauth_code": totp(alice_totp), "next": "/"}
    )
    assert response.status_code == 302
    assert alice_client.get(reverse("mfa_view_recovery_codes")).status_code == 200


def test_reauth_password_on_our_page_counts_for_the_security_settings(alice_client):
    forget_reauth(alice_client)
    assert alice_client.get(reverse("mfa_activate_totp")).status_code == 302
    alice_client.post(reverse("reauth_confirm"), {"reauth_password": PASSWORD, "next": "/"})
    assert alice_client.get(reverse("mfa_activate_totp")).status_code == 200


def test_reauth_window_still_slides_after_a_code(alice_client, alice_totp, reflection, settings):
    confirm_page(alice_client, reverse("reflections"))
    confirmed = alice_client.post(
        reverse("reauth_confirm"), {"reauth_code": totp(alice_totp), "next": "/"}
    )
    assert confirmed.status_code == 302
    # The code's own record grows old; activity on the journal keeps it open.
    age_factor_records(alice_client, 14)
    lapse_reauth(alice_client, minutes=14)
    assert alice_client.get(reverse("reflections")).status_code == 200
    age_factor_records(alice_client, 16)
    assert alice_client.session[SESSION_KEY] > time.time() - 5  # slid forward
    assert alice_client.get(reverse("reflections")).status_code == 200


def test_reauth_stale_factor_confirmation_is_refused(alice_client, alice_totp, reflection):
    alice_client.post(
        f"{reverse('mfa_reauthenticate')}?next=/", {"code": totp(alice_totp), "next": "/"}
    )
    lapse_reauth(alice_client)
    age_factor_records(alice_client, 16)
    response = alice_client.get(reverse("reflections"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth_confirm"))


def test_mfa_password_alone_no_longer_confirms_with_a_second_factor(
    alice_client, alice_totp, reflection
):
    """A partner who knows her password, at her open device: not enough."""
    confirm_page(alice_client, reverse("reflections"))
    page = alice_client.get(reverse("reauth_confirm"))
    assert 'name="reauth_password"' not in page.content.decode()
    ours = alice_client.post(
        reverse("reauth_confirm"), {"reauth_password": PASSWORD, "next": reverse("reflections")}
    )
    assert ours.status_code == 422
    assert alice_client.get(reverse("reflections")).status_code == 302
    # allauth's password page sends her on to the code page, and takes no password.
    allauths = alice_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert allauths.status_code == 302
    assert allauths["Location"].startswith(reverse("mfa_reauthenticate"))
    assert alice_client.get(reverse("mfa_view_recovery_codes")).status_code == 302
    assert alice_client.get(reverse("reflections")).status_code == 302
    deleting = alice_client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert deleting.status_code == 422
    assert get_user_model().objects.filter(pk=reflection.author_id).exists()


def test_totp_kept_post_arrives_after_a_code(alice_client, alice, alice_totp):
    lapse_reauth(alice_client)
    words = "a long evening of writing, then a code"
    kept = alice_client.post(reverse("reflection_create"), {"body": words, "need": "", "tags": ""})
    assert kept.status_code == 200
    assert words in kept.content.decode()
    assert 'name="reauth_code"' in kept.content.decode()
    assert Reflection.objects.count() == 0
    confirmed = alice_client.post(
        reverse("reflection_create"),
        {"body": words, "need": "", "tags": "", "reauth_code": totp(alice_totp)},
    )
    assert confirmed.status_code == 302
    assert Reflection.objects.get(author=alice).body == words


def test_totp_wrong_codes_save_nothing_and_end_the_session(alice_client, alice_totp):
    lapse_reauth(alice_client)
    for _ in range(MAX_FAILED_CONFIRMATIONS - 1):
        response = alice_client.post(
            reverse("reflection_create"),
            {"body": "typed", "need": "", "tags": "", "reauth_code": "000000"},
        )
        assert response.status_code == 422
        assert "typed" in response.content.decode()
    last = alice_client.post(
        reverse("reflection_create"),
        {"body": "typed", "need": "", "tags": "", "reauth_code": "000000"},
    )
    assert last.status_code == 302
    assert last["Location"] == reverse("account_login")
    assert Reflection.objects.count() == 0
    assert alice_client.get(reverse("dashboard")).status_code == 302


def test_totp_wrong_codes_are_throttled_per_person_even_with_a_new_session(
    make_client, alice, alice_totp
):
    # Five wrong codes (one fewer than ends a session, spread over two sessions)...
    for wrong in (3, 2):
        client = make_client(alice)
        forget_reauth(client)
        for _ in range(wrong):
            response = client.post(reverse("reauth_confirm"), {"reauth_code": "000000"})
            assert response.status_code == 422
    # ...and even the right code waits now.
    client = make_client(alice)
    refused = client.post(reverse("reauth_confirm"), {"reauth_code": totp(alice_totp)})
    assert refused.status_code == 422
    assert "too many" in refused.content.decode().lower()
    forget_reauth(client)
    assert client.get(reverse("reflections")).status_code == 302


def test_reauth_partner_code_does_not_open_her_journal(bob_client, alice_totp, reflection):
    forget_reauth(bob_client)
    response = bob_client.post(
        reverse("reauth_confirm"), {"reauth_code": totp(alice_totp), "next": "/"}
    )
    assert response.status_code == 422  # bob has no app: the field is not even there
    assert bob_client.get(reverse("reflection_detail", args=[reflection.pk])).status_code in {
        302,
        404,
    }


def test_passkey_link_offered_on_the_confirm_page(alice_client, alice):
    add_passkey(alice)
    page = alice_client.get(f"{reverse('reauth_confirm')}?next={reverse('reflections')}")
    html = page.content.decode()
    assert 'id="reauth-passkey"' in html
    assert reverse("mfa_reauthenticate_webauthn") in html


def test_passkey_only_person_confirms_first_then_deletes(make_client, alice):
    add_passkey(alice)
    alice.set_unusable_password()
    alice.save()
    alice_client = make_client(alice)
    confirm = alice_client.get(f"{reverse('reauth_confirm')}?next={reverse('account_delete')}")
    assert 'name="reauth_password"' not in confirm.content.decode()
    assert 'id="reauth-passkey"' in confirm.content.decode()
    page = alice_client.get(reverse("account_delete"))
    assert page.status_code == 200
    assert 'id="delete-confirm-first"' in page.content.decode()
    refused = alice_client.post(reverse("account_delete"), {"confirm": "on"})
    assert refused.status_code == 422
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_reauth_code_confirmation_deletes_without_a_password(alice_client, alice, alice_totp):
    response = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_code": totp(alice_totp), "next": reverse("account_delete")},
    )
    assert response["Location"] == reverse("account_delete")
    page = alice_client.get(reverse("account_delete"))
    assert 'name="password"' not in page.content.decode()
    deleted = alice_client.post(reverse("account_delete"), {"confirm": "on"})
    assert deleted.status_code == 302
    assert not get_user_model().objects.filter(pk=alice.pk).exists()


def test_reauth_deletion_refuses_a_stale_confirmation(alice_client, alice, alice_totp):
    alice_client.post(reverse("reauth_confirm"), {"reauth_code": totp(alice_totp), "next": "/"})
    # Still inside the journal's window, but not "a moment ago" (5 minutes).
    age_factor_records(alice_client, 6)
    page = alice_client.get(reverse("account_delete"))
    assert 'name="password"' not in page.content.decode()  # she has an app: a code, not this
    assert 'id="delete-confirm-first"' in page.content.decode()
    refused = alice_client.post(reverse("account_delete"), {"confirm": "on"})
    assert refused.status_code == 422
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert alice_client.get(reverse("reflections")).status_code == 200


def test_reauth_sliding_window_alone_never_deletes(alice_client, alice):
    # A login and journal use keep the window open; deletion still asks.
    assert alice_client.get(reverse("reflections")).status_code == 200
    refused = alice_client.post(reverse("account_delete"), {"confirm": "on"})
    assert refused.status_code == 422
    assert get_user_model().objects.filter(pk=alice.pk).exists()
