"""The canary: a unique string in alice's private reflections must never reach
anyone else, in any response of any URL of the app, nor any log record.

The crawl walks every URL pattern Django knows (``get_resolver()``), so a page
added later by any area is crawled too; parametrised patterns are tried with
alice's reflection ids.
"""

import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from couples.models import Reflection
from tests.factories import PASSWORD, UserFactory
from tests.reflections_helpers import lapse_reauth

CANARY = "cnry-5e1f0a77-alice-private"

_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>[^>]+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


def _pattern_strings(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pattern_strings(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _fill(pattern, value):
    def regex_group(match):
        body = match.group("body")
        if re.fullmatch(r"[\w|]+", body):  # an alternation of literals: take the first
            return body.split("|")[0]
        return value

    path = _REGEX_GROUP.sub(regex_group, pattern)
    path = _ROUTE_PARAM.sub(lambda m: value, path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def every_url(ids):
    """Each URL pattern of the app, filled in with each of the given ids."""
    urls = set()
    for pattern in _pattern_strings(get_resolver().url_patterns):
        if "<" in pattern or "(?P" in pattern:
            for value in ids:
                urls.add(_fill(pattern, str(value)))
                urls.add(_fill(pattern, f"{value}-{value}"))
        else:
            urls.add(_fill(pattern, ""))
    return sorted(urls)


def plant_canary(alice_client):
    """Alice writes through the real views, the way she would in a browser."""
    for i in range(2):
        response = alice_client.post(
            reverse("reflection_create"),
            {
                "need": "reassurance",
                "need_note": f"need {CANARY} {i}",
                "old_story": "not_desirable",
                "old_story_note": f"story {CANARY} {i}",
                "what_i_heard": f"heard {CANARY} {i}",
                "what_was_said": f"said {CANARY} {i}",
                "body": f"body {CANARY} {i}",
                "tags": f"tag-{CANARY}-{i}, evening",
                "bring_to_therapy": "on",
            },
        )
        assert response.status_code == 302
    ids = list(Reflection.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    # The owner does see it: the canary is findable, so its absence elsewhere means something.
    assert CANARY in alice_client.get(reverse("reflections")).content.decode()
    return ids


def crawl(client, urls):
    """Every URL with a plain GET and an htmx GET, following no redirects."""
    seen = {}
    for url in urls:
        for htmx in (False, True):
            response = client.get(url, htmx=htmx)
            body = response.content.decode(errors="replace")
            headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
            seen[(url, htmx)] = (response.status_code, body + headers)
    return seen


def assert_no_canary(seen, who):
    leaks = [key for key, (_status, text) in seen.items() if CANARY in text]
    assert not leaks, f"{who} received alice's private reflection at {leaks}"


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_nothing_bob_or_carol_can_fetch_holds_alices_reflection(
    request, make_client, alice_client, couple, who
):
    ids = plant_canary(alice_client)
    client = make_client(request.getfixturevalue(who))
    urls = every_url(ids)
    assert reverse("reflection_detail", args=[ids[0]]) in urls  # the crawl reaches them
    seen = crawl(client, urls)
    assert_no_canary(seen, who)
    # and the reflection pages themselves answered 404, like a missing id
    for pk in ids:
        for name in ("reflection_detail", "reflection_edit", "reflection_delete"):
            assert seen[(reverse(name, args=[pk]), False)][0] == 404


def test_partner_crawl_after_confirming_his_password_finds_nothing(
    alice_client, bob_client, couple
):
    ids = plant_canary(alice_client)
    lapse_reauth(bob_client)
    bob_client.post(reverse("reauth_confirm"), {"reauth_password": PASSWORD})
    assert_no_canary(crawl(bob_client, every_url(ids)), "bob (confirmed)")


def test_partner_posts_to_alices_ids_get_nothing_back(alice_client, bob_client, couple):
    ids = plant_canary(alice_client)
    for pk in ids:
        for name in ("reflection_edit", "reflection_delete", "reflection_therapy"):
            response = bob_client.post(reverse(name, args=[pk]), {"bring": "0", "version": 1})
            assert response.status_code == 404
            assert CANARY not in response.content.decode()
    assert Reflection.objects.filter(bring_to_therapy=True).count() == 2


def test_even_a_superuser_finds_no_reflection_in_the_admin(alice_client, make_client, couple):
    ids = plant_canary(alice_client)
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = make_client(operator)
    admin_urls = [url for url in every_url(ids) if url.startswith("/admin/")]
    seen = crawl(client, admin_urls)
    assert seen[("/admin/", False)][0] == 200  # really inside the admin
    assert "reflection" not in seen[("/admin/", False)][1].lower()
    assert_no_canary(seen, "an admin superuser")


def test_no_log_record_during_alices_writes_holds_the_canary(caplog, alice_client, couple):
    # Everything, down to the SQL lines and 4xx warnings the settings normally hide.
    for name in (None, "django", "django.db.backends", "django.request", "couples", "accounts"):
        caplog.set_level(logging.DEBUG, logger=name)
    with CaptureQueriesContext(connection) as queries:  # forces SQL debug logging too
        ids = plant_canary(alice_client)
        pk = ids[0]
        alice_client.post(
            reverse("reflection_edit", args=[pk]),
            {"body": f"edit {CANARY}", "version": 1, "need": "", "tags": ""},
        )
        alice_client.post(
            reverse("reflection_create"), {"what_i_heard": f"{CANARY}" * 300}
        )  # refused: too long
        alice_client.post(reverse("reflection_therapy", args=[pk]), {"bring": "0"})
        lapse_reauth(alice_client)
        alice_client.post(reverse("reflection_create"), {"body": f"late {CANARY}"})
        alice_client.post(
            reverse("reflection_create"),
            {"body": f"late {CANARY}", "reauth_password": PASSWORD},
        )
        alice_client.get(reverse("reflection_detail", args=[pk]))
    assert Reflection.objects.count() == 3
    assert any("couples_reflection" in q["sql"] for q in queries.captured_queries)
    assert any(r.name == "django.db.backends" for r in caplog.records), "SQL was logged"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        assert CANARY not in formatter.format(record), record.name
        assert CANARY not in repr(record.args)
    for query in queries.captured_queries:
        assert CANARY not in query["sql"]
