"""Shared fixtures: alice and bob are a couple, carol is an outsider.

The suite runs only on PostgreSQL: the product's constraints (partial unique
indexes, row locks) are what the tests prove, and SQLite would prove nothing.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory, link


def pytest_configure(config):
    # argon2 costs ~0.8 s per hash; the hasher choice is not what these tests prove.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionstart(session):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The test suite runs on PostgreSQL only, not {engine}. "
            "Run it with scripts/test (it sets DATABASE_URL), or set DATABASE_URL yourself."
        )


class CsrfClient(Client):
    """A test client that enforces CSRF like a browser would face it.

    ``post`` fetches a token the way a page would carry one (from the CSRF
    cookie set by a GET) unless ``csrf=False`` is passed to prove rejection.
    """

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def csrf_token(self):
        if settings.CSRF_COOKIE_NAME not in self.cookies:
            # The reset page renders a form for everyone (the login page only
            # redirects a signed-in person, and a redirect sets no CSRF cookie).
            self.get("/accounts/password/reset/")
        return self.cookies[settings.CSRF_COOKIE_NAME].value

    def post(self, path, data=None, *, csrf=True, htmx=False, **extra):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrfmiddlewaretoken", self.csrf_token())
        if htmx:
            extra.setdefault("HTTP_HX_REQUEST", "true")
        return super().post(path, data, **extra)

    def get(self, path, data=None, *, htmx=False, **extra):
        if htmx:
            extra.setdefault("HTTP_HX_REQUEST", "true")
        return super().get(path, data, **extra)


@pytest.fixture
def make_client():
    def make(user=None):
        client = CsrfClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com", display_name="Bob")


@pytest.fixture
def carol(db):
    return UserFactory(email="carol@example.com", display_name="Carol")


@pytest.fixture
def couple(alice, bob):
    return link(alice, bob)


@pytest.fixture
def anon_client(make_client):
    return make_client()


@pytest.fixture
def alice_client(make_client, alice):
    return make_client(alice)


@pytest.fixture
def bob_client(make_client, bob):
    return make_client(bob)


@pytest.fixture
def carol_client(make_client, carol):
    return make_client(carol)
