"""The harness itself: each journey starts from what the migrations wrote.

Two tests in this order (pytest keeps a file's order): the first runs with the
browser's event loop alive and removes the starter catalogue a data migration
seeded; the second must find it back (serialized rollback, see conftest.py).
"""

import pytest
from playwright.sync_api import expect

from couples.models import AlternativeActivity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def catalogue_keys():
    return set(
        AlternativeActivity.objects.filter(couple__isnull=True).values_list(
            "catalogue_key", flat=True
        )
    )


def test_a_journey_may_change_what_the_migrations_wrote(page_for, log_in, alice):
    expect(log_in(page_for("alice"), alice).locator("#linking")).to_be_visible()
    assert "cuddling" in catalogue_keys()
    AlternativeActivity.objects.filter(couple__isnull=True).delete()
    assert catalogue_keys() == set()


def test_the_next_journey_starts_from_the_migrated_data_again(page_for, log_in, alice):
    log_in(page_for("alice"), alice)
    assert {"cuddling", "massage", "kissing", "holding-hands"} <= catalogue_keys()
