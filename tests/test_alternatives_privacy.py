"""The consent gate: nothing about a partner's answer leaks, by any channel.

The strongest proof: everything bob can fetch (pages, fragments, POST answers,
errors, redirects, headers, and the number of SQL queries as a timing proxy) is
byte-identical whatever alice answered, as long as bob himself has not said yes.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples.models import AlternativeActivity, AlternativeAnswer
from couples.services import alternatives as service
from couples.services import linking
from tests.factories import space_of

pytestmark = pytest.mark.django_db

PAGE = reverse("alternatives")
PROPOSE = reverse("alternatives_propose")
DASHBOARD = reverse("dashboard")
ALICE_ANSWERS = ["yes", "maybe", "no", ""]
BOB_NOT_YES = ["", "maybe", "no"]
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def make_client(make_client):
    def make(user=None):
        client = make_client(user)
        client.get(DASHBOARD if user else reverse("account_login"))
        return client

    return make


def catalogue(key):
    return AlternativeActivity.objects.get(catalogue_key=key)


def set_answer(user, activity, answer):
    service.answer_activity(space=space_of(user), activity_id=activity.pk, answer=answer)


def capture(client, method, url, data=None, *, htmx=False):
    with CaptureQueriesContext(connection) as queries:
        if method == "get":
            response = client.get(url, htmx=htmx)
        else:
            response = client.post(url, data or {}, htmx=htmx)
    # X-Request-ID: random per request (config.middleware.RequestIdMiddleware).
    headers = sorted(
        (k, v)
        for k, v in response.headers.items()
        if k not in {"Set-Cookie", "Expires", "X-Request-ID"}
    )
    return (
        response.status_code,
        headers,
        CSRF.sub(b"CSRF", response.content),
        len(queries),
    )


def everything_bob_can_fetch(bob_client, bob, target, bob_answer):
    """Every page, fragment and write response bob can get about ``target``,
    with bob's own answer reset to ``bob_answer`` before each write."""
    answer_url = reverse("alternatives_answer", args=[target.pk])
    withdraw_url = reverse("alternatives_withdraw", args=[target.pk])
    key = f"a{target.pk}-answer"
    seen = {}

    def reset():
        set_answer(bob, target, bob_answer)

    reset()
    seen["dashboard"] = capture(bob_client, "get", DASHBOARD)
    seen["page"] = capture(bob_client, "get", PAGE)
    seen["page htmx"] = capture(bob_client, "get", PAGE, htmx=True)
    for value in [*BOB_NOT_YES, "not-a-choice"]:
        reset()
        seen[f"answer {value!r}"] = capture(bob_client, "post", answer_url, {key: value}, htmx=True)
    for value in ("maybe", "not-a-choice"):  # without JavaScript: redirect, then the page
        reset()
        seen[f"answer {value!r} no-js"] = capture(bob_client, "post", answer_url, {key: value})
        seen[f"after answer {value!r} no-js"] = capture(bob_client, "get", PAGE)
    for htmx in (True, False):
        reset()
        seen[f"withdraw htmx={htmx}"] = capture(bob_client, "post", withdraw_url, htmx=htmx)
        seen[f"after withdraw htmx={htmx}"] = capture(bob_client, "get", DASHBOARD)
    for name in (target.name.upper(), "", "x" * 81):
        seen[f"propose {name[:5]!r}"] = capture(
            bob_client, "post", PROPOSE, {"name": name}, htmx=True
        )
    reset()
    return seen


def test_nothing_bob_can_fetch_depends_on_alices_answer_until_bob_says_yes(
    bob_client, couple, alice, bob, uncached_parts
):
    # Rendered without the parts cache, so query counts compare renders; that the
    # cache itself does not move with alice's answers: tests/test_parts_cache.py.
    target = catalogue("self-pleasure-present")
    # Something is already agreed, so the shared list is not trivially empty.
    for user in (alice, bob):
        set_answer(user, catalogue("holding-hands"), "yes")
    by_alice_answer = {}
    for alice_answer in ALICE_ANSWERS:
        set_answer(alice, target, alice_answer)
        by_alice_answer[alice_answer] = {
            bob_answer: everything_bob_can_fetch(bob_client, bob, target, bob_answer)
            for bob_answer in BOB_NOT_YES
        }
    reference = by_alice_answer["yes"]
    assert b"Holding hands" in reference[""]["dashboard"][2]  # the list is really rendered
    assert reference[""]["answer 'no'"][0] == 200
    assert reference[""]["answer 'not-a-choice'"][0] == 422
    for alice_answer, seen in by_alice_answer.items():
        for bob_answer in BOB_NOT_YES:
            for what, response in reference[bob_answer].items():
                assert seen[bob_answer][what] == response, (alice_answer, bob_answer, what)


def test_mutual_yes_is_the_only_thing_that_changes_what_bob_sees(bob_client, couple, alice, bob):
    """The check above can fail: the same fetch differs once both said yes."""
    target = catalogue("cuddling")
    set_answer(bob, target, "yes")
    set_answer(alice, target, "no")
    before = capture(bob_client, "get", DASHBOARD)
    set_answer(alice, target, "yes")
    after = capture(bob_client, "get", DASHBOARD)
    assert before[2] != after[2]
    assert f'id="agreed-{target.pk}"'.encode() in after[2]


def test_answer_page_order_never_follows_anyones_answers(bob_client, couple, alice, bob):
    def order():
        html = bob_client.get(PAGE, htmx=True).content.decode()
        return re.findall(r'<li id="answer-(\d+)"', html)

    before = order()
    for activity in AlternativeActivity.objects.all()[::2]:
        set_answer(alice, activity, "yes")
    for activity in AlternativeActivity.objects.all()[1::3]:
        set_answer(bob, activity, "no")
    assert order() == before


def test_agreed_list_order_does_not_reveal_who_said_yes_first(alice_client, couple, alice, bob):
    hands, kissing, cuddling = (catalogue(k) for k in ("holding-hands", "kissing", "cuddling"))
    for activity in (kissing, hands, cuddling):  # alice first, bob first, mixed
        set_answer(alice, activity, "yes")
    for activity in (cuddling, hands, kissing):
        set_answer(bob, activity, "yes")
    html = alice_client.get(DASHBOARD).content.decode()
    found = [int(i) for i in re.findall(r'<li id="agreed-(\d+)"', html)]
    assert found == [cuddling.pk, hands.pk, kissing.pk]  # catalogue order


def _normalize_pk(content, pk):
    return re.sub(rf"(?<=[^0-9]){pk}(?=[^0-9])".encode(), b"PK", content)


def test_partner_sees_a_proposal_only_as_a_new_activity_to_answer(
    alice_client, bob_client, couple, alice, bob
):
    canary = "Canary-proposal-5d21"
    alice_client.post(PROPOSE, {"name": canary}, htmx=True)
    proposed = AlternativeActivity.objects.get(name=canary)
    assert not AlternativeAnswer.objects.exists()  # nobody's answer was set
    seen_by_bob_after_alice = _normalize_pk(
        CSRF.sub(b"", bob_client.get(PAGE, htmx=True).content), proposed.pk
    )
    dashboard = bob_client.get(DASHBOARD).content
    assert canary.encode() not in dashboard  # not agreed, so not on the shared list
    assert b"Alice" not in seen_by_bob_after_alice

    # Had bob proposed it himself, he would see exactly the same thing:
    proposed.delete()
    bob_client.post(PROPOSE, {"name": canary}, htmx=True)
    own = AlternativeActivity.objects.get(name=canary)
    seen_by_bob_after_own = _normalize_pk(
        CSRF.sub(b"", bob_client.get(PAGE, htmx=True).content), own.pk
    )
    assert canary.encode() in seen_by_bob_after_own
    assert seen_by_bob_after_alice == seen_by_bob_after_own


def test_proposal_canary_never_reaches_outsiders_or_an_ex(
    alice_client, bob_client, carol_client, couple, alice
):
    canary = "Canary-proposal-a81f"
    alice_client.post(PROPOSE, {"name": canary})
    proposed = AlternativeActivity.objects.get(name=canary)
    urls = [
        ("get", DASHBOARD, False),
        ("get", PAGE, False),
        ("get", PAGE, True),
        ("post", reverse("alternatives_answer", args=[proposed.pk]), True),
        ("post", reverse("alternatives_withdraw", args=[proposed.pk]), True),
        ("post", PROPOSE, True),
    ]

    def assert_absent(client):
        for method, url, htmx in urls:
            if method == "get":
                response = client.get(url, htmx=htmx)
            else:
                response = client.post(url, {f"a{proposed.pk}-answer": "yes"}, htmx=htmx)
            assert canary.encode() not in response.content, url

    assert_absent(carol_client)
    linking.unlink(user=alice)
    assert_absent(bob_client)
    assert not AlternativeAnswer.objects.exists()


@pytest.mark.parametrize("url", [DASHBOARD, PAGE])
def test_same_number_of_queries_with_1_and_200_activities(
    url, alice_client, couple, alice, bob, uncached_parts
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(url).status_code == 200
        return len(captured)

    def add(n):
        start = AlternativeActivity.objects.filter(couple=couple).count()
        for i in range(start, start + n):
            activity = AlternativeActivity.objects.create(
                name=f"Idea {i}", couple=couple, author=alice
            )
            AlternativeAnswer.objects.bulk_create(
                AlternativeAnswer(user=user, couple=couple, activity=activity, answer="yes")
                for user in (alice, bob)
            )

    add(1)
    with_one = queries()
    add(199)
    with_200 = queries()
    assert with_one == with_200
    assert b"Idea 199" in alice_client.get(url).content


def test_my_answers_part_only_ever_goes_to_its_owner(rf, couple, alice, bob):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    from couples import parts
    from couples.access import current_space

    assert parts.get_part("my-answers").scope == "user"
    assert parts.get_part("alternatives").scope == "couple"
    assert AlternativeAnswer not in admin.site._registry  # private answers: never in admin
    massage = catalogue("massage")
    set_answer(alice, massage, "maybe")

    def render(user, name):
        request = rf.get("/")
        request.user, request.session = user, SessionStore()
        return parts.render_part_html(name, request, current_space(user))

    maybe_checked = f'value="maybe" id="id_a{massage.pk}-answer_1" checked'
    assert maybe_checked in render(alice, "my-answers")
    bobs = render(bob, "my-answers")
    assert "checked" in bobs and maybe_checked not in bobs
    # Pushed to bob, the shared part is identical whatever alice answered.
    shared_before = CSRF.sub(b"", render(bob, "alternatives").encode())
    set_answer(alice, massage, "no")
    assert CSRF.sub(b"", render(bob, "alternatives").encode()) == shared_before
