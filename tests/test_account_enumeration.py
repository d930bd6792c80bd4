"""Nobody learns who has an account by how long a form takes to answer
(issue 13, item 3). Times themselves are measured in bench/enumeration_timing.py
(real argon2, real server, interleaved tries); here the work is counted: the
same number of password hashes and the same answer, whether or not the
address has an account."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


class CountingHasher(MD5PasswordHasher):
    """A real hasher (MD5 keeps the suite fast) that counts what it is asked to do."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.test_account_enumeration.CountingHasher"]

    def count(action):
        CountingHasher.calls = 0
        response = action()
        return CountingHasher.calls, response

    return count


def signup(client, email):
    return client.post(
        "/accounts/signup/",
        {"email": email, "display_name": "Someone", "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signup_with_a_taken_address_does_the_same_work_and_answers_the_same(
    anon_client, make_client, alice, hashes
):
    new_calls, new = hashes(lambda: signup(anon_client, "someone-new@example.com"))
    taken_calls, taken = hashes(lambda: signup(make_client(), alice.email))
    assert new_calls == taken_calls == 1
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    # Each address's owner hears of it by mail; the page says nothing of which case it was.
    assert len(mail.outbox) == 2


def test_login_with_an_unknown_address_does_the_same_work(make_client, alice, hashes):
    def login(email):
        return make_client().post(
            "/accounts/login/", {"login": email, "password": "wrong " + PASSWORD}
        )

    known_calls, known = hashes(lambda: login(alice.email))
    unknown_calls, unknown = hashes(lambda: login("nobody-here@example.com"))
    assert known_calls == unknown_calls >= 1
    assert known.status_code == unknown.status_code


def test_password_reset_for_an_unknown_address_answers_the_same_and_mails_alike(make_client, alice):
    def reset(email):
        return make_client().post("/accounts/password/reset/", {"email": email})

    known, unknown = reset(alice.email), reset("nobody-here@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 2  # both are sent a mail: the same work on the way out
