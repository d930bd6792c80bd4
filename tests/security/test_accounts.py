"""Passwords, login throttling and sessions, through allauth's real forms."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "not the right password at all"


def attempt(client, email, password, *, ip="198.51.100.10", forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def lock_out(make_client, email, **where):
    client = make_client()
    for _ in range(5):
        attempt(client, email, WRONG, **where)
    return client


# --- Login throttling (django-axes per account and address) -------------------------


def test_five_wrong_passwords_lock_that_account_from_that_address(make_client, alice):
    client = make_client()
    for _ in range(4):
        response = attempt(client, alice.email, WRONG)
        assert response.status_code == 200  # the form again, with an error
    response = attempt(client, alice.email, WRONG)
    assert response.status_code == 429
    response = attempt(client, alice.email, PASSWORD)
    assert response.status_code == 429, "the right password must not open a locked pair"
    assert not signed_in(client)
    assert b"Too many attempts" in response.content


def test_allauth_logins_are_counted_per_account_not_under_an_empty_username(make_client, alice):
    lock_out(make_client, "  Alice@Example.COM ")
    attempts = list(AccessAttempt.objects.values_list("username", flat=True))
    assert attempts == ["alice@example.com"]


def test_the_lock_holds_only_for_that_address(make_client, alice):
    lock_out(make_client, alice.email, ip="198.51.100.10")
    client = make_client()
    response = attempt(client, alice.email, PASSWORD, ip="203.0.113.77")
    assert response.status_code == 302 and signed_in(client)


def test_the_lock_holds_only_for_that_account(make_client, alice, bob):
    lock_out(make_client, alice.email)
    client = make_client()
    response = attempt(client, bob.email, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_lock_lifts_after_the_cool_off(make_client, alice):
    lock_out(make_client, alice.email)
    client = make_client()
    assert attempt(client, alice.email, PASSWORD).status_code == 429
    # Sixteen minutes pass (the cool-off is fifteen).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, alice.email, PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.exists(), "a success resets the counter"


def test_a_spoofed_forwarded_for_header_does_not_reset_the_lock_without_a_proxy(make_client, alice):
    client = make_client()
    for n in range(5):
        attempt(client, alice.email, WRONG, forwarded=f"10.9.8.{n}")
    response = attempt(client, alice.email, PASSWORD, forwarded="192.0.2.200")
    assert response.status_code == 429
    assert not signed_in(client)


@override_settings(
    TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_ADDRESSES=["10.0.0.1"]
)
def test_behind_one_proxy_the_client_cannot_choose_its_address(make_client, alice):
    proxy = "10.0.0.1"  # every request reaches the app from the proxy
    client = make_client()
    # The client writes anything it likes on the left; the proxy appends what it saw.
    for n in range(5):
        attempt(client, alice.email, WRONG, ip=proxy, forwarded=f"10.9.8.{n}, 203.0.113.5")
    response = attempt(client, alice.email, PASSWORD, ip=proxy, forwarded="1.2.3.4, 203.0.113.5")
    assert response.status_code == 429
    # Someone else behind the same proxy is not locked out.
    other = make_client()
    response = attempt(other, alice.email, PASSWORD, ip=proxy, forwarded="198.51.100.7")
    assert response.status_code == 302 and signed_in(other)


def test_failed_logins_never_store_the_password_tried(make_client, alice):
    lock_out(make_client, alice.email)
    stored = repr(list(AccessAttempt.objects.values())) + repr(
        list(AccessFailureLog.objects.values())
    )
    assert WRONG not in stored


# --- Passwords -------------------------------------------------------------------------


def signup(client, password, email="newperson@example.com"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "display_name": "New", "password1": password, "password2": password},
    )


def created(email="newperson@example.com"):
    return get_user_model().objects.filter(email=email).exists()


@pytest.mark.parametrize(
    "password",
    [
        "mellowkite",  # 10 characters, lowercase only: no composition rules
        "a long passphrase of many plain words " * 1 + "x" * 26,  # 64 characters
        "ç" * 40 + " ünïcode pässphrase ok",
        "y" * 3 + "Z9!" + "q" * 122,  # 128 characters, the upper bound
    ],
)
def test_signup_accepts_long_or_plain_passwords_without_composition_rules(password, anon_client):
    response = signup(anon_client, password)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert created()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("plainkite", "too short"),
        ("qwertyuiop", "too common"),
        ("password123", "too common"),
        ("x" * 129, "too long"),
    ],
)
def test_signup_refuses_short_common_and_absurdly_long_passwords(password, why, anon_client):
    response = signup(anon_client, password)
    assert response.status_code == 200
    assert not created()
    assert f"This password is {why}".encode() in response.content


def test_password_change_applies_the_same_rules(alice_client, alice):
    url = "/accounts/password/change/"
    for weak in ("shortpass", "qwertyuiop"):
        response = alice_client.post(
            url, {"oldpassword": PASSWORD, "password1": weak, "password2": weak}
        )
        assert response.status_code == 200
        alice.refresh_from_db()
        assert alice.check_password(PASSWORD)
    strong = "a calm and rather long passphrase without any symbols at all, too"
    assert len(strong) >= 64
    response = alice_client.post(
        url, {"oldpassword": PASSWORD, "password1": strong, "password2": strong}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(strong)


def test_argon2_is_the_first_hasher_in_the_real_settings():
    # The test run itself uses MD5 for speed (tests/conftest.py); read the module.
    import config.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


# --- Sessions ------------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(make_client, alice, couple):
    client = make_client()
    assert attempt(client, alice.email, PASSWORD).status_code == 302
    stolen = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = make_client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_change_signs_out_every_other_session(make_client, alice, couple):
    laptop, phone = make_client(), make_client()
    assert attempt(laptop, alice.email, PASSWORD).status_code == 302
    assert attempt(phone, alice.email, PASSWORD, ip="203.0.113.9").status_code == 302
    assert laptop.get("/").status_code == 200
    new = "another calm and long passphrase for alice"
    response = phone.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert phone.get("/").status_code == 200, "the device that changed it stays signed in"
    response = laptop.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_guessing_the_password_on_a_signed_in_device_is_throttled_too(alice_client, alice):
    """A stolen session cannot brute-force the re-authentication prompt."""
    url = "/accounts/reauthenticate/"
    for _ in range(5):
        response = alice_client.post(url, {"password": WRONG}, REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 429
    response = alice_client.post(url, {"password": PASSWORD}, REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == alice.email


@override_settings(
    TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_ADDRESSES=["10.0.0.1"]
)
def test_a_client_reaching_the_app_around_the_proxy_cannot_choose_its_address(make_client, alice):
    """Configured for a proxy, but this request comes straight from the client
    (not from the proxy's address): its forwarded header is its own invention,
    so a new value on every try must not reset the lock."""
    client = make_client()
    for n in range(5):
        attempt(client, alice.email, WRONG, ip="198.51.100.20", forwarded=f"10.9.8.{n}")
    response = attempt(client, alice.email, PASSWORD, ip="198.51.100.20", forwarded="192.0.2.9")
    assert response.status_code == 429
    assert not signed_in(client)
