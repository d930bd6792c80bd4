"""Alice's private answers (no, maybe, unanswered, a yes bob has not matched)
leave no trace in anything bob or a stranger can fetch.

Canaries cannot catch this (the words "no" and "maybe" are on every answers
page), so this is a differential test: every page and fragment bob (and carol)
can GET, and every part, is fetched; alice's answers change; everything is
fetched again and must be byte-identical (CSRF tokens aside, which are random
per render).
"""

import re

import pytest

from couples.services import alternatives
from tests.factories import space_of

from .harness import Requester, iter_patterns, response_text, url_for
from .url_table import ROWS

pytestmark = pytest.mark.django_db

PATTERNS = {p.key: p for p in iter_patterns()}
TOKEN = re.compile(r"[A-Za-z0-9]{64}")
# Headers that differ on every response whatever anyone answered: the clock, and
# the request id (random per request, config.middleware.RequestIdMiddleware).
CLOCK = re.compile(r"^(Expires|Date|Last-Modified|X-Request-ID): .*$", re.MULTILINE)


def _readable_urls(world, role):
    """Every URL the role may GET (200) from the table, allauth and admin aside."""
    paths = set()
    for row in ROWS:
        if row.key.endswith("*") or row.expect[role]["GET"] != 200:
            continue
        pattern = PATTERNS.get(row.url_name)
        if pattern is None or pattern.route.startswith(("accounts/", "admin/")):
            continue
        kwargs = row.kwargs(world)
        paths.add(url_for(pattern, {k: kwargs[k] for k in pattern.params}))
    return sorted(paths)


def _snapshot(world, role):
    request = Requester(world.user(role))
    seen = {}
    for path in _readable_urls(world, role):
        for method in ("GET", "HX-GET"):
            response, _ = request(method, path)
            assert response.status_code == 200, (role, method, path)
            seen[f"{method} {path}"] = CLOCK.sub("", TOKEN.sub("TOKEN", response_text(response)))
    return seen


def _answer(world, activity, answer):
    alternatives.answer_activity(
        space=space_of(world.alice), activity_id=activity.pk, answer=answer
    )


def test_alices_no_maybe_and_silence_leave_no_trace_for_bob_or_a_stranger(shared_world):
    world = shared_world
    proposal = world.objects["alternative"]  # alice: no
    first, second, third = world.objects["catalogue"][:3]  # alice: maybe, -, -
    before = {role: _snapshot(world, role) for role in ("partner", "outsider")}
    assert len(before["partner"]) > 20  # the net is wide: every readable page and part

    _answer(world, proposal, "maybe")
    _answer(world, first, "")
    _answer(world, second, "no")
    _answer(world, third, "yes")  # a yes bob has not matched is as private as a no
    for role in ("partner", "outsider"):
        after = _snapshot(world, role)
        changed = [key for key in before[role] if before[role][key] != after[key]]
        assert not changed, f"{role} can tell alice's answers changed from: {changed}"


def test_the_differential_would_notice_a_mutual_yes(shared_world):
    """The control: the one thing bob may learn (a mutual yes) does show."""
    world = shared_world
    activity = world.objects["catalogue"][1]
    before = _snapshot(world, "partner")
    alternatives.answer_activity(space=space_of(world.bob), activity_id=activity.pk, answer="yes")
    middle = _snapshot(world, "partner")
    _answer(world, activity, "yes")
    after = _snapshot(world, "partner")
    assert middle != before  # bob's own answer shows on his own pages
    assert [k for k in middle if middle[k] != after[k]], "a mutual yes changed nothing bob sees"


def test_bobs_own_answers_and_withdrawals_answer_the_same_whatever_alice_said(shared_world):
    """bob's writes (answer, take back) must not answer differently depending on
    alice's no, maybe or silence: only a mutual yes may show."""
    world = shared_world
    activity = world.objects["alternative"]
    path = f"/alternatives/{activity.pk}"
    bob = Requester(world.bob)
    seen = {}
    for alices in ("no", "maybe", ""):
        _answer(world, activity, alices)
        for method in ("POST", "HX-POST"):
            for answer in ("yes", "no", "maybe", ""):
                data = {f"a{activity.pk}-answer": answer}
                response, _ = bob(method, f"{path}/answer/", data=data)
                key = f"{method} answer={answer!r}"
                seen.setdefault(key, set()).add(
                    CLOCK.sub("", TOKEN.sub("T", response_text(response)))
                )
            response, _ = bob(method, f"{path}/withdraw/")
            seen.setdefault(f"{method} withdraw", set()).add(
                CLOCK.sub("", TOKEN.sub("T", response_text(response)))
            )
    differing = [key for key, bodies in seen.items() if len(bodies) > 1]
    assert not differing, f"bob's answer depends on alice's private answer: {differing}"
    # The control: alice's yes makes bob's yes a mutual one, and that does show.
    _answer(world, activity, "yes")
    response, _ = bob("HX-POST", f"{path}/answer/", data={f"a{activity.pk}-answer": "yes"})
    body = CLOCK.sub("", TOKEN.sub("T", response_text(response)))
    assert body not in seen["HX-POST answer='yes'"]
