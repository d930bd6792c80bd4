"""Re-authentication: after long idleness the journal asks for the password."""

import time

import pytest
from django.urls import reverse

from accounts.reauth import MAX_FAILED_CONFIRMATIONS, SESSION_KEY
from couples.models import Reflection
from couples.services.reflections import write_reflection
from tests.conftest import CsrfClient
from tests.factories import PASSWORD
from tests.reflections_helpers import forget_reauth, lapse_reauth

SECRET = "rr-reauth-canary-91c0"


@pytest.fixture
def reflection(alice):
    return write_reflection(author=alice, body=f"Body {SECRET}")


def test_fresh_login_opens_the_journal(alice_client, reflection):
    response = alice_client.get(reverse("reflections"))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


def test_real_password_login_counts_as_confirmation(alice, reflection):
    client = CsrfClient()
    client.get(reverse("account_login"))
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert SECRET in client.get(reverse("reflections")).content.decode()


@pytest.mark.parametrize("name", ["reflections", "reflection_detail", "reflection_edit"])
def test_after_idleness_reading_asks_for_the_password(alice_client, reflection, name):
    args = [] if name == "reflections" else [reflection.pk]
    url = reverse(name, args=args)
    lapse_reauth(alice_client)
    response = alice_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth_confirm"))
    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    assert "Confirm it is you" in page.content.decode()
    assert SECRET not in page.content.decode()


def test_htmx_request_after_idleness_gets_hx_redirect(alice_client, reflection):
    lapse_reauth(alice_client)
    response = alice_client.get(reverse("reflections"), htmx=True)
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("reauth_confirm"))
    assert SECRET not in response.content.decode()


def test_never_confirmed_session_is_asked_too(alice_client, reflection):
    forget_reauth(alice_client)
    assert alice_client.get(reverse("reflections")).status_code == 302


def test_activity_within_the_window_keeps_it_open(alice_client, reflection, settings):
    session = alice_client.session
    session[SESSION_KEY] = time.time() - 14 * 60
    session.save()
    assert alice_client.get(reverse("reflections")).status_code == 200
    # The visit slid the window forward.
    assert time.time() - alice_client.session[SESSION_KEY] < 5


def test_window_length_comes_from_settings(alice_client, reflection, settings):
    settings.REFLECTIONS_REAUTH_MINUTES = 1
    lapse_reauth(alice_client, minutes=2)
    assert alice_client.get(reverse("reflections")).status_code == 302


def test_right_password_returns_to_where_she_was(alice_client, reflection):
    lapse_reauth(alice_client)
    target = reverse("reflection_detail", args=[reflection.pk])
    url = alice_client.get(target)["Location"]
    response = alice_client.post(url, {"reauth_password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    assert SECRET in alice_client.get(target).content.decode()


def test_wrong_password_is_refused_calmly(alice_client, reflection):
    lapse_reauth(alice_client)
    response = alice_client.post(reverse("reauth_confirm"), {"reauth_password": "nope"})
    assert response.status_code == 422
    assert "does not match" in response.content.decode()
    assert alice_client.get(reverse("reflections")).status_code == 302


def test_next_must_stay_on_this_site(alice_client):
    lapse_reauth(alice_client)
    response = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_too_many_wrong_passwords_end_the_session(alice_client, reflection):
    lapse_reauth(alice_client)
    for _ in range(MAX_FAILED_CONFIRMATIONS - 1):
        alice_client.post(reverse("reauth_confirm"), {"reauth_password": "nope"})
    response = alice_client.post(reverse("reauth_confirm"), {"reauth_password": "nope"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    after = alice_client.get(reverse("reflections"))
    assert after.status_code == 302
    assert reverse("account_login") in after["Location"]


def test_confirm_page_without_csrf_is_rejected(alice_client):
    lapse_reauth(alice_client)
    response = alice_client.post(
        reverse("reauth_confirm"), {"reauth_password": PASSWORD}, csrf=False
    )
    assert response.status_code == 403
    assert alice_client.get(reverse("reflections")).status_code == 302


def test_confirm_page_needs_a_signed_in_person(anon_client):
    response = anon_client.get(reverse("reauth_confirm"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_writing_after_idleness_keeps_the_words_until_confirmed(alice_client, alice):
    lapse_reauth(alice_client)
    words = "a long evening of writing"
    response = alice_client.post(
        reverse("reflection_create"), {"body": words, "need": "", "tags": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm it is you" in html
    assert words in html  # kept in a hidden field for her own next POST
    assert Reflection.objects.count() == 0
    confirmed = alice_client.post(
        reverse("reflection_create"),
        {"body": words, "need": "", "tags": "", "reauth_password": PASSWORD},
    )
    assert confirmed.status_code == 302
    assert Reflection.objects.get(author=alice).body == words


def test_htmx_write_after_idleness_shows_the_confirm_page_in_place(alice_client):
    lapse_reauth(alice_client)
    response = alice_client.post(
        reverse("reflection_create"), {"body": "typed", "need": "", "tags": ""}, htmx=True
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="narrow" id="reauth">')
    assert 'value="typed"' in html
    assert Reflection.objects.count() == 0


def test_write_with_wrong_password_saves_nothing(alice_client):
    lapse_reauth(alice_client)
    response = alice_client.post(
        reverse("reflection_create"),
        {"body": "typed", "need": "", "tags": "", "reauth_password": "wrong"},
    )
    assert response.status_code == 422
    assert Reflection.objects.count() == 0


def test_partner_confirming_his_password_still_gets_404(bob_client, couple, reflection):
    lapse_reauth(bob_client)
    url = reverse("reflection_detail", args=[reflection.pk])
    bob_client.post(reverse("reauth_confirm"), {"reauth_password": PASSWORD, "next": url})
    response = bob_client.get(url)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_stale_post_by_partner_echoes_only_his_own_input(bob_client, couple, reflection):
    lapse_reauth(bob_client)
    response = bob_client.post(
        reverse("reflection_edit", args=[reflection.pk]), {"body": "bob typed"}
    )
    html = response.content.decode()
    assert SECRET not in html
    # With his password the request reaches the access check: 404, nothing changed.
    confirmed = bob_client.post(
        reverse("reflection_edit", args=[reflection.pk]),
        {"body": "bob typed", "version": "1", "reauth_password": PASSWORD},
    )
    assert confirmed.status_code == 404
    assert Reflection.objects.get().body == f"Body {SECRET}"
