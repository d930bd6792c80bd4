"""The rendered-parts cache (couples/parts.py): what it serves must always be
what a fresh render would show the same person, it must never hold anything
private, and its hits and misses must not move with anything the viewer may
not know (the partner's private answers)."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples import parts
from couples.models import AlternativeActivity, Statement
from couples.services import alternatives, reflections
from couples.services import statements as statement_services
from tests.factories import space_of

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = {
    "reason": "tired",
    "meaning": "CACHE-MEANING my day is done.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love you.",
}


def page(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html):
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def cached_values():
    """Every value in this process's parts cache, unpickled."""
    cache = caches["parts"]
    return [pickle.loads(value) for value in cache._cache.values()]  # noqa: S301  our own cache


def test_a_cached_page_equals_a_fresh_render_for_each_partner(
    make_client, couple, alice, bob, settings
):
    statement_services.add_statement(space=space_of(alice), **WORDS)
    statement_services.add_statement(
        space=space_of(bob), **{**WORDS, "meaning": "BOB-MEANING tired"}
    )
    clients = {alice: make_client(alice), bob: make_client(bob)}
    first = {person: page(client) for person, client in clients.items()}
    assert cached_values(), "the first visits filled the cache"
    cached = {person: page(client) for person, client in clients.items()}
    settings.PARTS_CACHE_ENTRIES = 0
    fresh = {person: page(client) for person, client in clients.items()}
    for person in clients:
        assert without_tokens(cached[person]) == without_tokens(fresh[person])
        assert without_tokens(first[person]) == without_tokens(fresh[person])
    # Each saw their own view, not the other's (the key holds the viewer).
    assert without_tokens(cached[alice]) != without_tokens(cached[bob])
    mark = "\N{RIGHT SINGLE QUOTATION MARK}s statements"
    assert f"{bob.display_name}{mark}" in cached[alice]
    assert f"{alice.display_name}{mark}" in cached[bob]


def test_a_save_is_seen_at_once_by_the_partner_whose_page_was_cached(
    make_client, couple, alice, bob
):
    bob_client = make_client(bob)
    assert "CACHE-MEANING" not in page(bob_client)
    statement_services.add_statement(space=space_of(alice), **WORDS)
    assert "CACHE-MEANING" in page(bob_client)
    statement = Statement.objects.get()
    statement_services.retire_statement(space=space_of(alice), statement_id=statement.pk)
    assert "CACHE-MEANING" not in page(bob_client)


def test_a_warm_dashboard_makes_the_same_few_queries_however_much_is_shown(
    make_client, couple, alice, bob
):
    alice_client = make_client(alice)
    statement_services.add_statement(space=space_of(bob), **WORDS)
    page(alice_client)
    with CaptureQueriesContext(connection) as small:
        page(alice_client)
    for i in range(30):
        statement_services.add_statement(space=space_of(bob), **{**WORDS, "meaning": f"more {i}"})
    page(alice_client)
    with CaptureQueriesContext(connection) as large:
        html = page(alice_client)
    assert html.count('class="statement statement-partner"') == 31
    # Session, person, couple; private reflections (never cached) read on their own.
    assert len(large) == len(small) <= 5


def test_each_device_gets_a_csrf_token_valid_for_its_own_cookie(make_client, couple, alice, bob):
    statement = statement_services.add_statement(space=space_of(alice), **WORDS)
    phone, laptop = make_client(bob), make_client(bob)
    page(phone)  # fills the cache with bob's view
    html = page(laptop)  # served from it
    tokens = set(TOKEN.findall(html))
    assert tokens and parts.CSRF_PLACEHOLDER not in html
    response = laptop.post(
        reverse("statement_heard", args=[statement.pk]),
        {"csrfmiddlewaretoken": tokens.pop()},
        csrf=False,
    )
    assert response.status_code == 302  # not 403: the token matches the laptop's cookie
    assert Statement.objects.get().heard_version == Statement.objects.get().version


def test_private_reflections_never_enter_the_cache(make_client, couple, alice, bob):
    canary = "cnry-cache-7d41-alice-private"
    reflections.write_reflection(author=alice, body=canary, bring_to_therapy=True)
    alice_client = make_client(alice)
    assert canary in page(alice_client)
    page(make_client(bob))
    values = cached_values()
    assert values, "couple parts were cached"
    assert not any(canary in value for value in values)


def test_the_partners_private_answers_do_not_move_the_cache(make_client, couple, alice, bob):
    """Hits and misses of bob's page are the same whatever alice answers, as
    long as it is not a mutual yes (a timing side channel otherwise)."""
    target = AlternativeActivity.objects.get(catalogue_key="cuddling")
    bob_client = make_client(bob)
    page(bob_client)
    with CaptureQueriesContext(connection) as warm:
        before = page(bob_client)
    for answer in ("yes", "maybe", "no", ""):
        alternatives.answer_activity(space=space_of(alice), activity_id=target.pk, answer=answer)
        with CaptureQueriesContext(connection) as after_answer:
            after = page(bob_client)
        assert len(after_answer) == len(warm), answer
        assert without_tokens(after) == without_tokens(before), answer


def test_anything_not_announced_is_stale_for_at_most_a_minute(
    make_client, couple, alice, bob, monkeypatch
):
    """A row written behind the services' back (an operator in the admin) moves
    no sequence number; the minute in the key bounds how long it stays unseen."""
    bob_client = make_client(bob)
    now = [1_800_000_000.0]
    monkeypatch.setattr(parts.time, "time", lambda: now[0])
    statement = statement_services.add_statement(space=space_of(alice), **WORDS)
    assert "CACHE-MEANING" in page(bob_client)
    Statement.objects.filter(pk=statement.pk).update(retired_at=statement.created_at)
    assert "CACHE-MEANING" in page(bob_client)  # still the cached render
    now[0] += 60
    assert "CACHE-MEANING" not in page(bob_client)
