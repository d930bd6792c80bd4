"""Shared fixtures: alice and bob are a couple, carol is an outsider.

The suite runs only on PostgreSQL: the product's constraints (partial unique
indexes, row locks) are what the tests prove, and SQLite would prove nothing.
"""

import base64
import fcntl
import hashlib
import tempfile

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.factories import UserFactory, link

# Fernet key = url-safe base64 of 32 bytes; derived from a fixed phrase, tests only.
TEST_VAPID_PRIVATE_KEY = "pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4"
TEST_FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"common-ground tests only field key").digest()
).decode()


def pytest_configure(config):
    # argon2 costs ~0.8 s per hash; the hasher choice is not what these tests prove.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fixed test-only key: tests never read or create the development key file.
    settings.FIELD_ENCRYPTION_KEYS = [TEST_FIELD_ENCRYPTION_KEY]
    # The same for Web Push's VAPID key (a test-only key; never var/dev-vapid.key).
    settings.VAPID_PRIVATE_KEY = TEST_VAPID_PRIVATE_KEY


def pytest_sessionstart(session):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The test suite runs on PostgreSQL only, not {engine}. "
            "Run it with scripts/test (it sets DATABASE_URL), or set DATABASE_URL yourself."
        )
    # Two runs on one machine with the same test database would drop it under
    # each other: the second waits for the first (TEST_DATABASE_NAME sets another).
    name = settings.DATABASES["default"]["TEST"]["NAME"]
    lock = open(f"{tempfile.gettempdir()}/{name}.pytest.lock", "w")  # noqa: SIM115  held for the run
    fcntl.flock(lock, fcntl.LOCK_EX)
    session.config._test_database_lock = lock


class CsrfClient(Client):
    """A test client that enforces CSRF like a browser would face it.

    ``post`` fetches a token the way a page would carry one (from the CSRF
    cookie set by a GET) unless ``csrf=False`` is passed to prove rejection.
    """

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def csrf_token(self):
        # What any page's {% csrf_token %} would have set in the browser.
        if settings.CSRF_COOKIE_NAME not in self.cookies:
            self.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
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


@pytest.fixture(autouse=True)
def empty_parts_cache():
    """Rendered dashboard parts are cached per process (couples/parts.py): no
    test may see what an earlier test rendered."""
    from django.core.cache import caches

    caches["parts"].clear()
    yield
    caches["parts"].clear()


@pytest.fixture(autouse=True)
def english_between_tests():
    """Django's LocaleMiddleware activates a request's language in its thread and
    leaves it there (the next request activates its own): a Spanish request in
    one test must not make the next test's code speak Spanish."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_limit_counters():
    """The rate-limit counters live in Redis with REDIS_URL (config/cache.py),
    outliving a test run: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def uncached_parts(settings):
    """For tests that write rows directly (not through the services, so no
    sequence number moves) and for query counts of the render itself."""
    settings.PARTS_CACHE_ENTRIES = 0


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel-layer instance. channels-redis keeps
    asyncio locks and connection pools on the instance; one left behind by an
    earlier test's event loop (a socket still receiving when its loop ended)
    must not be awaited from the next test's loop."""
    from channels.layers import channel_layers

    from realtime.broadcast import close_sender_connections
    from realtime.writer import writer

    channel_layers.backends.clear()
    yield
    writer.wait()  # no frame of this test is still being rendered for the next one
    close_sender_connections()
    channel_layers.backends.clear()


@pytest.fixture
def sent(monkeypatch):
    """Every (group, event) a service hands to the channel layer, in order."""
    from realtime import broadcast

    calls = []
    monkeypatch.setattr(broadcast, "send_rollback_unsafe", lambda g, e, **kw: calls.append((g, e)))
    return calls


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service and run what it asked for on commit (the live pushes)."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


@pytest.fixture
def endpoint(settings):
    """A local push service that decrypts what it receives (tests/push_support.py),
    and the app allowed to post to it."""
    from tests.push_support import PushEndpoint

    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.PUSH_ALLOW_HTTP = True
    with PushEndpoint() as server:
        yield server
