"""My patterns (issue 14, item 3): until BOTH partners chose to share, nothing
about alice's declines — counts, dates, reasons, rain checks kept or not —
reaches bob or a stranger in any page, part, export or brief, and not even
whether alice chose to share.

Canaries (world.py: alice shares every part; bob has not chosen) are walked by
the URL matrix for every role. This file adds the differential: everything bob
and carol can GET (pages, every part, exports, brief and its PDF), fetched
before and after alice's choices change, must be byte-identical. The frames
side (nothing is pushed while only one chose) is in tests/test_patterns_sharing.py.
"""

import re

import pytest

from couples.models import PatternSharing
from couples.services import patterns
from tests.factories import space_of

from .harness import Requester, response_text
from .test_private_answers import CLOCK, TOKEN
from .test_private_answers import _snapshot as _pages
from .world import PATTERN_SUMMARY_CANARIES

pytestmark = pytest.mark.django_db
_EXPORTED_AT = re.compile(r'"exported_at": "[^"]*"')


EXPORT = "/accounts/export/download/"


def _snapshot(world, role):
    """Every page and part the role may GET, and their own export (its time
    of export aside)."""
    seen = _pages(world, role)
    response, _ = Requester(world.user(role))("GET", EXPORT)
    assert response.status_code == 200
    body = response_text(response)
    seen[f"GET {EXPORT}"] = CLOCK.sub("", TOKEN.sub("TOKEN", _EXPORTED_AT.sub("", body)))
    return seen


def _choose(person, *parts):
    patterns.choose_sharing(space=space_of(person), parts=parts)


def test_pattern_choices_of_one_partner_leave_no_trace_for_bob_or_a_stranger(shared_world):
    world = shared_world
    assert PatternSharing.objects.filter(person=world.alice).exists()  # the world's start
    before = {role: _snapshot(world, role) for role in ("partner", "outsider")}
    assert any("/therapy/" in key and "brief" in key for key in before["partner"])
    assert any("export" in key for key in before["partner"])
    for parts in ((), ("week",), ("reasons", "rain_checks"), ("reasons", "week", "asks")):
        _choose(world.alice, *parts)
        for role in ("partner", "outsider"):
            after = _snapshot(world, role)
            changed = [key for key in before[role] if before[role][key] != after[key]]
            assert not changed, f"{role} can tell alice's sharing changed from: {changed}"
            for body in after.values():
                for canary in PATTERN_SUMMARY_CANARIES:
                    assert canary not in body, (role, canary)


def test_pattern_the_differential_would_notice_both_sharing(shared_world):
    """The control: once bob chooses too, the couple view shows for him."""
    world = shared_world
    _choose(world.alice, "reasons", "rain_checks")
    before = _snapshot(world, "partner")
    _choose(world.bob, "asks")
    after = _snapshot(world, "partner")
    changed = [key for key in before if before[key] != after[key]]
    assert any(key.endswith("/parts/shared-patterns/") for key in changed), changed
    assert any("brief" in key for key in changed), changed
    dashboard = after["GET /"]
    assert PATTERN_SUMMARY_CANARIES[0] in dashboard and PATTERN_SUMMARY_CANARIES[1] in dashboard
    _choose(world.alice)  # withdrawn: the couple view is gone, and her summary with it
    withdrawn = _snapshot(world, "partner")
    for key in ("GET /parts/shared-patterns/", "HX-GET /parts/shared-patterns/"):
        assert withdrawn[key] == before[key]
    for body in withdrawn.values():
        assert not any(canary in body for canary in PATTERN_SUMMARY_CANARIES)
