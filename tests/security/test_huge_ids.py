"""Ids no database row could have (beyond 64 bits, zero) in every id-taking URL:
404 for every role, never a server error."""

import pytest

from .harness import Requester, iter_patterns, url_for
from .url_table import ROWS

pytestmark = pytest.mark.django_db

PATTERNS = {p.key: p for p in iter_patterns()}
ID_ROWS = [row for row in ROWS if row.idor_kwargs and not row.pattern]
HUGE_IDS = (0, 2**31, 2**63, 2**64 + 1, 10**30)


@pytest.mark.parametrize("row", ID_ROWS, ids=lambda r: r.key)
def test_impossible_ids_are_404_never_a_server_error(row, shared_world):
    world = shared_world
    pattern = PATTERNS[row.key]
    problems = []
    for role in ("owner", "partner"):
        request = Requester(world.user(role))
        for value in HUGE_IDS:
            path = url_for(pattern, dict.fromkeys(pattern.params, value))
            for method, allowed in row.expect[role].items():
                if allowed == 405 or method in ("HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"):
                    continue
                response, changed = request(method, path, fingerprint=True)
                if response.status_code != 404 or changed:
                    problems.append(f"{role} {method} {path}: {response.status_code} {changed}")
    assert not problems, "\n".join(problems)
