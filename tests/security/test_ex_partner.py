"""After unlinking, bob is an ex: nothing alice wrote in their couple reaches
him any more, on any URL of the table (with the old ids), any part, any method
that reads: not her name, not what she shared there (statements, questions,
timing notes, proposals, agenda), with the old ids or without.
"""

import pytest

from couples.services import linking

from .harness import SAFE_METHODS, Requester, iter_patterns, response_text, url_for
from .url_table import ROWS
from .world import COUPLE

pytestmark = pytest.mark.django_db

PATTERNS = {p.key: p for p in iter_patterns()}


def _every_app_url(world):
    for row in ROWS:
        pattern = PATTERNS.get(row.url_name)
        if row.key.endswith("*") or pattern is None:
            continue
        if pattern.route.startswith(("accounts/", "admin/")):
            continue
        kwargs = row.kwargs(world)
        yield url_for(pattern, {k: kwargs[k] for k in pattern.params})


def _what_bob_sees(world, hidden):
    """{canary text: where bob found it}, and any server errors."""
    bob = Requester(world.bob)
    found, errors = {}, []
    for path in sorted(set(_every_app_url(world))):
        for method in SAFE_METHODS:
            response, _ = bob(method, path)
            if response.status_code >= 500:
                errors.append(f"{method} {path}: server error")
            text = response_text(response)
            for canary in hidden:
                if canary.text in text:
                    found.setdefault(canary.what, f"{method} {path}")
    return found, errors


def test_an_ex_partner_sees_nothing_of_the_couple_that_ended(shared_world):
    world = shared_world
    # Everything alice shared with him (bob's own journal stays his, of course).
    shared = [c for c in world.canaries if c.visible_to == COUPLE]
    before, _ = _what_bob_sees(world, shared)
    # The control: while linked, bob does find every shared canary somewhere.
    assert set(before) == {c.what for c in shared}
    linking.unlink(user=world.alice)
    after, errors = _what_bob_sees(world, shared)
    assert not errors, errors
    assert not after, f"after unlinking bob still sees: {after}"
