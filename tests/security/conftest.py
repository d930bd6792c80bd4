import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's rate limits live in the (process-local) cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world per test module, built once, rolled back at the module's end.

    Safe only where tests do not change it: every request of the matrix and the
    IDOR tests runs in its own rolled-back savepoint (harness.Requester), and
    each test's own transaction (pytest-django) is a savepoint inside this one.
    """
    from django.db import transaction

    from .world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
