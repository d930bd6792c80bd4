"""Accounts in the product's own voice (issue 15, item 6).

- One wording: "Log in" / "Log out" (and "Sign up" for a new account), never
  "sign in", "sign out", "signed in" or "signed out": not in any template of
  ours, not in any page a person is shown, not in allauth's messages.
- Every mail allauth can send speaks as Common Ground: our subject and words,
  never allauth's defaults ("Hello from …", "You're receiving this email
  because …"), never the host name outside the link itself, never the partner
  or anything of the space.
- Confirming an address: opening the link changes nothing; the page's one
  button does it (why not zero steps: docs/decisions.md).
"""

import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.template.loader import get_template
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[1]
OTHER_WORDING = re.compile(r"\bsign(?:ed|s|ing)?[ -]?(?:in|out)\b", re.I)
ALLAUTH_DEFAULTS = (
    "Hello from",
    "receiving this e",  # "You're receiving this email/e-mail because …"
    "Thank you for using",
    "has given your email address to register",
    "password forgotten procedure",
    "in our database",
)
URL = re.compile(r"https?://\S+")


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    # Attributes people hear (labels of buttons and links) count too.
    labels = re.findall(r'(?:aria-label|title|placeholder|value)="([^"]*)"', html)
    return text + " " + " ".join(labels)


# --- one wording ------------------------------------------------------------------


def test_no_template_of_ours_says_sign_in_or_sign_out():
    offenders = [
        f"{path.relative_to(REPO)}: {match.group(0)!r}"
        for path in (REPO / "templates").rglob("*")
        if path.suffix in {".html", ".txt"}
        for match in OTHER_WORDING.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "name",
    [
        "account/login.html",
        "account/signup.html",
        "account/logout.html",
        "account/email_confirm.html",
        "account/verification_sent.html",
        "account/messages/logged_in.txt",
        "account/messages/logged_out.txt",
    ],
)
def test_allauths_pages_that_speak_of_logging_in_are_ours(name):
    origin = Path(get_template(name).origin.name)
    assert origin.is_relative_to(REPO / "templates"), origin


SIGNED_OUT_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "privacy",
]
SIGNED_IN_PAGES = [
    "dashboard",
    "profile",
    "account_logout",
    "account_change_password",
    "account_email",
    "account_delete",
    "account_export",
    "reflections",
]


def test_signed_out_pages_say_log_in_never_sign_in(anon_client):
    for name in SIGNED_OUT_PAGES:
        response = anon_client.get(reverse(name))
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert not OTHER_WORDING.search(text), (name, OTHER_WORDING.findall(text))
    login = visible_text(anon_client.get(reverse("account_login")).content.decode())
    assert "Log in to Common Ground" in login and "Create your account" in login
    signup = visible_text(anon_client.get(reverse("account_signup")).content.decode())
    assert "Log in" in signup and "Create my account" in signup


def test_signed_in_pages_say_log_out_never_sign_out(alice_client, couple):
    for name in SIGNED_IN_PAGES:
        response = alice_client.get(reverse(name))
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert not OTHER_WORDING.search(text), (name, OTHER_WORDING.findall(text))
        assert "Log out" in text, name


def test_logging_in_and_out_flash_our_words(make_client, alice):
    client = make_client()
    page = client.post(
        reverse("account_login"), {"login": alice.email, "password": PASSWORD}, follow=True
    ).content.decode()
    assert "You are logged in as Alice." in page
    assert not OTHER_WORDING.search(visible_text(page))
    page = client.post(reverse("account_logout"), follow=True).content.decode()
    assert "You are logged out." in page
    assert not OTHER_WORDING.search(visible_text(page))


# --- mails in our voice -------------------------------------------------------------


def assert_in_our_voice(message, *, host="testserver", never=()):
    assert message.subject.startswith("[Common Ground] "), message.subject
    body = message.body
    assert "Common Ground" in body
    for phrase in ALLAUTH_DEFAULTS:
        assert phrase.lower() not in body.lower(), phrase
    assert not OTHER_WORDING.search(body) and not OTHER_WORDING.search(message.subject)
    outside_links = URL.sub("", body)
    assert host not in outside_links and "example.com" not in outside_links
    assert "example.com" not in message.subject and host not in message.subject
    for word in never:
        assert word not in body and word not in message.subject, word
    # Plain text only: no HTML part with other words in it.
    assert getattr(message, "alternatives", []) == []


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "display_name": "Dana", "password1": PASSWORD, "password2": PASSWORD},
    )


def test_the_confirmation_mail_speaks_as_common_ground(anon_client):
    signup(anon_client, "dana@example.net")
    (message,) = mail.outbox
    assert message.subject == "[Common Ground] Confirm your email address"
    assert "Yes, confirm my address" in message.body
    (link,) = URL.findall(message.body)
    assert "/accounts/confirm-email/" in link
    # Not even the person's own name: the mail is about the address only.
    assert_in_our_voice(message, never=("Dana", "dana@example.net"))


def test_the_account_exists_mail_speaks_as_common_ground(anon_client, alice, bob, couple):
    signup(anon_client, alice.email)
    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "[Common Ground] You already have an account"
    assert_in_our_voice(message, never=("Alice", "Bob", bob.email, alice.email))


def test_the_password_reset_mail_speaks_as_common_ground(anon_client, alice, bob, couple):
    anon_client.post(reverse("account_reset_password"), {"email": alice.email})
    (message,) = mail.outbox
    assert message.subject == "[Common Ground] Choose a new password"
    (link,) = URL.findall(message.body)
    assert "/accounts/password/reset/key/" in link
    assert_in_our_voice(message, never=("Alice", "Bob", bob.email, alice.email))


def test_the_unknown_account_mail_speaks_as_common_ground(anon_client):
    anon_client.post(reverse("account_reset_password"), {"email": "nobody@example.net"})
    (message,) = mail.outbox
    assert message.subject == "[Common Ground] No account for this address"
    assert_in_our_voice(message, never=("nobody@example.net",))


def test_a_second_confirmation_mail_after_logging_in_unverified(make_client):
    person = UserFactory(email="erin@example.net", display_name="Erin", verified=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    make_client().post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    (message,) = mail.outbox
    assert message.subject == "[Common Ground] Confirm your email address"
    assert_in_our_voice(message, never=("Erin",))


NOTIFICATIONS = {
    # Sent only with ACCOUNT_EMAIL_NOTIFICATIONS (off here); in our voice all the same.
    "email_changed": {"from_email": "old@example.net", "to_email": "new@example.net"},
    "email_confirm": {},
    "email_deleted": {"deleted_email": "old@example.net"},
    "password_changed": {},
    "password_reset": {},
    "password_set": {},
    # Codes are off here (links instead); the templates are ours all the same.
    "login_code": {"code": "ABC123"},
    "password_reset_code": {"code": "ABC123"},
}


@pytest.mark.parametrize("prefix", sorted(NOTIFICATIONS))
def test_every_other_allauth_mail_is_ours_too(prefix, rf):
    context = {"email": "erin@example.net", "current_site": "a host", **NOTIFICATIONS[prefix]}
    message = get_adapter(rf.get("/")).render_mail(
        f"account/email/{prefix}", "erin@example.net", context
    )
    assert_in_our_voice(message, host="a host")
    for part in ("subject", "message"):
        origin = Path(get_template(f"account/email/{prefix}_{part}.txt").origin.name)
        assert origin.is_relative_to(REPO / "templates"), origin


# --- confirming an address: one tap, never on opening ----------------------------------


def test_opening_the_link_confirms_nothing_and_the_one_button_does(anon_client):
    assert settings.ACCOUNT_CONFIRM_EMAIL_ON_GET is False
    signup(anon_client, "dana@example.net")
    (link,) = URL.findall(mail.outbox[0].body)
    path = link.removeprefix("http://testserver")
    # What a mail scanner or link preview does: a GET, without the signup's session.
    from django.test import Client

    scanner = Client()
    page = scanner.get(path).content.decode()
    assert not EmailAddress.objects.filter(email="dana@example.net", verified=True).exists()
    main = page[page.index("<main") : page.index("</main>")]  # (the footer has the language switch)
    assert main.count('type="submit"') == 1 and "Yes, confirm my address" in main
    assert "Dana" not in visible_text(page)  # the page names the address, not the person
    # The person presses the button in the browser they signed up in: confirmed
    # and logged in, on to the dashboard.
    response = anon_client.post(path, follow=True)
    assert EmailAddress.objects.filter(email="dana@example.net", verified=True).exists()
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "is confirmed. Welcome to Common Ground." in response.content.decode()
    # One message, not two: the welcome says it; no "You are logged in as …" after it.
    assert "You are logged in" not in response.content.decode()
