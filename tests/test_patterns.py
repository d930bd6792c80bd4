"""My patterns (issue 14, first slice): a private page built only from the
viewer's own asks, not-nows and rain checks. As the asker, nothing of the
partner's answers ever shows; as the decliner, my own not-nows are set against
my own week."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from couples.domain.moment import PART_HOURS
from couples.domain.overlap import CELLS, DAYS, PARTS, index
from couples.domain.patterns import cell_of
from couples.models import Ask, AskAnswer, RainCheck
from couples.services import moment, statements, timing
from tests.factories import space_of

pytestmark = pytest.mark.django_db

ONCE_CANARY = "Ptn14-one-off-reason-canary"
TIRED = {
    "reason": "tired",
    "meaning": "Ptn14-bobs-statement-meaning",
    "not_meaning": "It does not mean I don't want you.",
    "reassurance": "I love the way you hold me.",
}


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    moment_ = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(moment_, timezone.get_current_timezone())


def _weekday(weekday: int, weeks_ago: int) -> datetime.date:
    """A past date falling on ``weekday`` (0 = Monday)."""
    today = timezone.localdate()
    last = today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    return last - datetime.timedelta(weeks=weeks_ago)


def _ask_and_decline(asker, decliner, at, **card):
    """A real ask and a real not-now (services), then time moved to ``at``."""
    item = moment.ask(space=space_of(asker), kind="closeness", when="now")
    space = space_of(decliner)
    answer = moment.decline(space=space, ask_id=item.pk, card=moment.clean_card(space, **card))
    Ask.objects.filter(pk=item.pk).update(created_at=at - datetime.timedelta(minutes=5))
    AskAnswer.objects.filter(pk=answer.pk).update(created_at=at)
    return answer


def _week(**levels) -> str:
    """A grid string with the given ``"tue_evening": "u"`` cells."""
    cells = ["-"] * CELLS
    days = [key for key, _n, _s in DAYS]
    parts = [key for key, _n, _s in PARTS]
    for name, level in levels.items():
        day, _, part = name.partition("_")
        cells[index(days.index(day), parts.index(part))] = level
    return "".join(cells)


@pytest.fixture
def clients(make_client, alice, bob, couple):
    return make_client(alice), make_client(bob)


def _page(client) -> str:
    response = client.get("/patterns/")
    assert response.status_code == 200
    return response.content.decode()


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_pattern_cell_of_late_night_runs_past_midnight():
    tuesday, wednesday = 2, 3  # ISO weekdays
    assert cell_of(tuesday, PART_HOURS["evening"][0]) == (1, 3)
    assert cell_of(tuesday, 23) == (1, 4)
    assert cell_of(wednesday, 0) == (1, 4)  # half past midnight: Tuesday's late night
    assert cell_of(wednesday, 3) == (1, 4)
    assert cell_of(wednesday, 5) == (2, 0)
    assert cell_of(1, 0) == (6, 4)  # Monday 00:30 is Sunday's late night


def test_pattern_page_tells_the_decliner_their_not_nows_against_their_own_week(clients, alice, bob):
    _a, b = clients
    statement = statements.add_statement(space=space_of(bob), **TIRED)
    timing.save_timing(
        space=space_of(bob), cells=_week(tue_evening="u"), notes="", expected_version=0
    )
    for weeks_ago in (4, 3, 2, 1):
        _ask_and_decline(
            alice,
            bob,
            _local(_weekday(1, weeks_ago), 19),
            statement_id=statement.pk,
            reason="too tired tonight",
            rain_check="come" if weeks_ago == 4 else "",
        )
    latest = _ask_and_decline(
        alice, bob, _local(_weekday(4, 0), 9), reason=ONCE_CANARY, rain_check="come"
    )
    # bob redeems his first rain check (a gentle ask from him).
    first = RainCheck.objects.exclude(answer=latest).get()
    moment.redeem(space=space_of(bob), rain_check_id=first.pk)

    page = _page(b)
    assert (
        "You marked Tuesday evenings usually open; 4 of your last 5 not-nows were on "
        "Tuesday evenings — most often: tired." in page
    )
    assert "Most often, your reason was: tired (4 of 5)." in page
    assert "<tr><td>Tired</td><td>4</td></tr>" in page
    assert "<tr><td>written for this once</td><td>1</td></tr>" in page
    assert ONCE_CANARY not in page  # counted, never quoted
    assert 'href="/timing/"' in page and "Update my week" in page
    assert "You offered 2 rain checks and redeemed 1 of them; 1 still open" in page
    # The picture and its table: 4 on Tuesday evening, 1 on Friday morning.
    assert "<title>Tuesday, evening: 4</title>" in page
    assert "<title>Friday, morning: 1</title>" in page
    assert '<svg class="pattern-map"' in page and "style=" not in page.split("<main")[-1]


def test_pattern_week_sentence_only_when_it_applies(clients, alice, bob):
    _a, b = clients
    for weekday in (0, 2, 4):
        _ask_and_decline(alice, bob, _local(_weekday(weekday, 1), 19), reason="x")
    page = _page(b)
    assert 'id="pattern-week"' not in page  # no cell holds most of them
    assert "Most often, your reason was: written for this once (3 of 3)." in page


def test_pattern_partner_page_never_shows_my_not_nows(clients, alice, bob):
    a, b = clients
    mine = statements.add_statement(
        space=space_of(alice), **{**TIRED, "reason": "body_image", "meaning": "m"}
    )
    _ask_and_decline(
        bob, alice, _local(_weekday(1, 1), 19), statement_id=mine.pk, rain_check="come"
    )
    _ask_and_decline(bob, alice, _local(_weekday(1, 2), 19), reason=ONCE_CANARY)
    alices = _page(a)
    assert "Feeling bad about my body" in alices and "2 of your last 2" in alices
    bobs = _page(b)
    for text in (ONCE_CANARY, "Feeling bad about my body", "written for this once", "You offered"):
        assert text not in bobs
    assert "You have not said not now in this couple yet." in bobs
    # bob's own asks show, as his: when he asked, never what came of it.
    assert "Most of your asks fall on Tuesday evenings (2 of 2)" in bobs


def test_pattern_asker_page_is_the_same_whatever_the_partner_answered(clients, alice, bob):
    a, _b = clients
    timing.save_timing(
        space=space_of(alice), cells=_week(sun_evening="u"), notes="", expected_version=0
    )
    timing.save_timing(
        space=space_of(bob), cells=_week(sun_evening="r"), notes="", expected_version=0
    )
    for weeks_ago in (3, 2):
        _ask_and_decline(alice, bob, _local(_weekday(6, weeks_ago), 19), reason="earlier")
    item = moment.ask(space=space_of(alice), kind="sex", when="tonight", words="Tonight?")
    Ask.objects.filter(pk=item.pk).update(created_at=_local(_weekday(6, 1), 19))
    bobs = space_of(bob)
    answers = {
        "never answered": lambda: None,
        "not now": lambda: moment.decline(
            space=bobs,
            ask_id=item.pk,
            card=moment.clean_card(bobs, reason=ONCE_CANARY, rain_check="come"),
        ),
        "yes": lambda: moment.answer_yes(space=bobs, ask_id=item.pk),
        "talk": lambda: moment.answer_talk(space=bobs, ask_id=item.pk, text="Let us talk"),
    }
    pages = {}
    for name, answer in answers.items():
        with transaction.atomic():
            answer()
            pages[name] = _without_tokens(_page(a))
            transaction.set_rollback(True)
    assert len(set(pages.values())) == 1, "the asker's page must not depend on the answer"
    page = pages["yes"]
    assert (
        "Most of your asks fall on Sunday evenings (3 of 3); where your weeks meet, "
        "that is: not a likely time." in page
    )
    assert "sex (1)" in page and "closeness (2)" in page
    assert ONCE_CANARY not in page and "earlier" not in page


def test_pattern_page_needs_login_and_a_couple(anon_client, make_client, carol):
    response = anon_client.get("/patterns/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert make_client(carol).get("/patterns/").status_code == 404  # like other linked views


def test_pattern_card_on_my_dashboard(clients):
    a, _b = clients
    page = a.get("/").content.decode()
    card = re.search(r'<section id="my-patterns".*?</section>', page, re.S).group(0)
    assert 'href="/patterns/"' in card and "My patterns <small>(only you)</small>" in card
    # The journal's own card no longer carries it.
    journal = re.search(r'<section id="reflections".*?</section>', page, re.S).group(0)
    assert "/patterns/" not in journal


def _many(alice, bob, couple, count):
    """``count`` asks by alice that bob declined, and as many by bob, spread
    over the week; a few rain checks."""
    start = _local(_weekday(0, 60), 5)
    asks = []
    for n in range(count):
        at = start + datetime.timedelta(hours=7 * n)
        asks.append(
            Ask(
                couple=couple,
                asker=alice,
                kind="closeness",
                when="now",
                ends_at=at,
                state=Ask.ANSWERED,
                created_at=at,
                closed_at=at,
            )
        )
        asks.append(
            Ask(
                couple=couple,
                asker=bob,
                kind="sex",
                when="now",
                ends_at=at,
                state=Ask.ENDED,
                created_at=at,
                closed_at=at,
            )
        )
    asks = Ask.objects.bulk_create(asks)
    answers = AskAnswer.objects.bulk_create(
        AskAnswer(ask=item, author=bob, kind=AskAnswer.NOT_NOW, created_at=item.created_at)
        for item in asks
        if item.asker_id == alice.pk
    )
    RainCheck.objects.bulk_create(
        RainCheck(couple=couple, owner=bob, answer=answer, state=RainCheck.REDEEMED)
        for answer in answers[:5]
    )


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_pattern_page_query_count_does_not_grow_with_the_asks(make_client, alice, bob, couple, who):
    client = make_client(alice if who == "alice" else bob)
    counts = []
    for size in (10, 1000):
        Ask.objects.all().delete()
        _many(alice, bob, couple, size)
        client.get("/patterns/")  # warm (session, caches)
        with CaptureQueriesContext(connection) as queries:
            page = _page(client)
        counts.append(len(queries))
        if who == "bob":
            assert f"Most often, your reason was: written for this once ({size} of {size})" in page
        else:
            assert f"closeness ({size})" in page
    assert counts[0] == counts[1]


def test_pattern_feelings_come_only_from_my_own_journal(clients, alice, bob):
    from couples.services import reflections

    a, b = clients
    for need, story, tags in (
        ("closeness", "matter_less", "Lonely, hopeful"),
        ("closeness", "", "lonely"),
        ("release", "matter_less", "Ptn14-own-tag"),
    ):
        reflections.write_reflection(author=alice, need=need, old_story=story, tags=tags)
    reflections.write_reflection(author=bob, need="play", tags="Ptn14-bobs-tag")
    page = _page(a)
    assert "The need you named most often behind asking: closeness, then release." in page
    assert "The old story a no woke up most often: “I matter less”." in page
    # most first; ties: the most recent first; the latest spelling kept
    assert "Your journal tags used most: lonely, Ptn14-own-tag, hopeful." in page
    assert "Ptn14-bobs-tag" not in page and "play and fun" not in page
    bobs = _page(b)
    assert "Ptn14-bobs-tag" in bobs
    for text in ("Lonely", "Ptn14-own-tag", "I matter less"):
        assert text not in bobs


def test_pattern_feelings_are_locked_like_the_journal_once_confirmation_lapses(clients, alice):
    from couples.services import reflections
    from tests.reflections_helpers import lapse_reauth

    a, _b = clients
    reflections.write_reflection(author=alice, need="closeness", tags="Ptn14-locked-tag")
    lapse_reauth(a)
    page = _page(a)
    assert "Ptn14-locked-tag" not in page and "closeness" not in page.split("patterns-felt-h")[1]
    assert 'id="pattern-feelings-locked"' in page and "/accounts/confirm-password/?next=" in page


def test_pattern_page_and_couple_view_query_counts_are_the_same_at_10_and_10000_asks(
    make_client, alice, bob, couple, uncached_parts
):
    from couples.services import patterns

    decliner = make_client(bob)
    patterns.choose_sharing(space=space_of(alice), parts=["reasons", "week", "rain_checks"])
    patterns.choose_sharing(space=space_of(bob), parts=["reasons", "week", "rain_checks", "asks"])
    counts = {}
    for size in (10, 10_000):
        Ask.objects.all().delete()
        _many(alice, bob, couple, size)
        for path in ("/patterns/", "/parts/shared-patterns/", "/patterns/sharing/"):
            decliner.get(path)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = decliner.get(path)
            assert response.status_code == 200
            counts[(path, size)] = len(queries)
        assert f"written for this once ({size} of {size})" in _page(decliner)
    for path in ("/patterns/", "/parts/shared-patterns/", "/patterns/sharing/"):
        assert counts[(path, 10)] == counts[(path, 10_000)], (path, counts)
