import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's rate limits live in the (process-local) cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()
