"""The moment's data is owned like everything else: each person's export holds
their own asks, their own answers (every word of their decline cards) and their
own rain checks, and never a record of how their partner answered them; account
deletion takes what the person wrote; unlink leaves nothing of the ex visible."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from couples.access import current_space
from couples.export import build_export
from couples.models import AlternativeActivity, Ask, AskAnswer, RainCheck
from couples.services import alternatives, linking, moment, ownership, statements, therapy
from tests.factories import PASSWORD, UserFactory, link, space_of
from tests.ownership_helpers import DAY, end_window, populate_moment, slot_ahead

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "export-schema.json").read_text()
)
DOWNLOAD = reverse("account_export_download")
MOMENT_PART = reverse("part", args=["moment"])
ANSWER_KINDS = {kind for kind, _label in AskAnswer.KINDS}
# What an asker's export may say about one of their asks, and nothing more.
ASK_KEYS = {
    "couple",
    "asked_for",
    "asked_for_label",
    "activity",
    "when",
    "when_label",
    "day",
    "part_of_day",
    "part_of_day_label",
    "words",
    "asked_at",
    "open_until",
    "from_rain_check",
    "state",
    "withdrawn_at",
}
TIMES = {"asked_at", "open_until", "withdrawn_at"}


@pytest.fixture
def moment_written(alice, bob, couple):
    return populate_moment(alice, bob)


def validate(document):
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def export_of(client):
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    document = json.loads(response.content)
    validate(document)
    return document, response.content.decode()


def without(row, keys):
    return {key: value for key, value in row.items() if key not in keys}


def decline_card(person, rain_check="", **words):
    return moment.clean_card(space_of(person), rain_check=rain_check, **words)


def agreed_activity(alice, bob):
    activity = AlternativeActivity.objects.filter(couple__isnull=True).first()
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=activity.pk, answer="yes")
    return activity


# --- export: my asks ------------------------------------------------------------------


def test_export_holds_my_asks_in_my_words_and_whether_i_withdrew_them(alice_client, moment_written):
    alice_words, _bob_words = moment_written
    document, _text = export_of(alice_client)
    asks = document["asks"]
    assert [a["words"] for a in asks] == alice_words.ask_canaries()
    assert all(set(a) == ASK_KEYS for a in asks)  # no answer, reply, closing time or id
    assert [a["state"] for a in asks] == ["closed", "closed", "closed", "withdrawn"]
    withdrawn = alice_words.asks["withdrawn"]
    assert asks[3]["withdrawn_at"] == withdrawn.closed_at.isoformat()
    assert [a["withdrawn_at"] for a in asks[:3]] == [None, None, None]
    first = asks[0]
    assert first["asked_for"] == "closeness" and first["when"] == "now"
    assert first["couple"] == alice_words.asks["declined"].couple_id
    assert first["asked_at"] == alice_words.asks["declined"].created_at.isoformat()
    assert first["open_until"] == alice_words.asks["declined"].ends_at.isoformat()


def test_an_ask_declined_said_yes_to_or_left_to_end_exports_exactly_alike(
    alice_client, moment_written
):
    """The worst bug: a record of a partner's declines reaching the asker. Three
    asks made alike, one declined (with a card, a rain check and the asker's
    thanks), one said yes to, one ended unanswered: apart from their words and
    times, the asker's export cannot tell them apart."""
    alice_words, _bob_words = moment_written
    assert {a.state for name, a in alice_words.asks.items() if name != "withdrawn"} == {
        Ask.ANSWERED,
        Ask.ENDED,
    }
    assert alice_words.asks["declined"].reply == Ask.THANKS  # her reply is not exported
    document, _text = export_of(alice_client)
    declined, said_yes, ended, _withdrawn = (
        without(a, TIMES | {"words"}) for a in document["asks"]
    )
    assert declined == said_yes == ended
    assert declined["state"] == "closed"
    asks_text = json.dumps(document["asks"])
    for telltale in [*ANSWER_KINDS, "answered", "ended", "thanks", "declin", "reply"]:
        assert telltale not in asks_text, telltale


@pytest.mark.parametrize("answer", ["yes", "something_else", "talk", "not_now", "ended"])
def test_my_ask_exports_the_same_whatever_my_partner_answered_even_a_decline(
    alice, bob, alice_client, couple, answer
):
    activity = agreed_activity(alice, bob)
    therapy.plan_session(space=space_of(bob), planned_for=DAY)
    ask = moment.ask(space=space_of(alice), kind="sex", when="now", words="Would you like to?")
    bob_space = space_of(bob)
    if answer == "yes":
        moment.answer_yes(space=bob_space, ask_id=ask.pk)
    elif answer == "something_else":
        moment.answer_something_else(space=bob_space, ask_id=ask.pk, activity_id=activity.pk)
    elif answer == "talk":
        moment.answer_talk(space=bob_space, ask_id=ask.pk, text="BOB-TALK-canary")
    elif answer == "not_now":
        card = decline_card(
            bob, rain_check=slot_ahead(), reason="BOB-ONE-OFF-canary", activity_id=activity.pk
        )
        moment.decline(space=bob_space, ask_id=ask.pk, card=card)
    else:
        end_window(ask)
    if answer != "ended":
        moment.reply(
            space=space_of(alice),
            ask_id=ask.pk,
            reply="alternative" if answer in {"something_else", "not_now"} else "",
        )
    document, text = export_of(alice_client)
    (row,) = document["asks"]
    assert without(row, {"asked_at", "open_until"}) == {
        "couple": couple.pk,
        "asked_for": "sex",
        "asked_for_label": "Sex",
        "activity": None,
        "when": "now",
        "when_label": "Now",
        "day": None,
        "part_of_day": "",
        "part_of_day_label": "",
        "words": "Would you like to?",
        "from_rain_check": False,
        "state": "closed",
        "withdrawn_at": None,
    }
    # Nothing of bob's answer anywhere in her file: no card, rain check or topic.
    assert document["answers_to_asks"] == [] and document["rain_checks"] == []
    assert document["agenda_topics"] == []
    assert "BOB-" not in text
    mine = json.dumps([document["asks"], document["answers_to_asks"], document["rain_checks"]])
    assert activity.name not in mine  # what bob offered instead is his


def test_an_open_ask_exports_open_and_closed_once_the_couple_has_ended(alice, alice_client, couple):
    moment.ask(space=space_of(alice), kind="closeness", when="slot", slot=slot_ahead(2, "late"))
    (row,) = export_of(alice_client)[0]["asks"]
    assert (row["state"], row["when"], row["part_of_day"]) == ("open", "slot", "late")
    assert row["day"] == slot_ahead(2, "late").split(":")[0]
    assert row["part_of_day_label"] == "Late night"
    linking.unlink(user=alice)
    (row,) = export_of(alice_client)[0]["asks"]
    assert row["state"] == "closed" and row["withdrawn_at"] is None


# --- export: my answers and decline cards, my rain checks ------------------------------


def test_export_holds_every_word_of_my_decline_cards_and_my_rain_checks(
    alice, bob, alice_client, bob_client, moment_written
):
    alice_words, _bob_words = moment_written
    document, _text = export_of(alice_client)
    card, yes = document["answers_to_asks"]
    assert without(card, {"answered_at"}) == {
        "couple": alice_words.card.ask.couple_id,
        "answer": "not_now",
        "answer_label": "Not now",
        "activity": None,
        "together": False,
        "acknowledgement": alice_words.acknowledgement,
        "statement": None,
        "reason": alice_words.reason,  # a one-off reason, hers
        "not_meaning": alice_words.not_meaning,
        "love": alice_words.love,
        "talk_text": "",
    }
    assert card["answered_at"] == alice_words.card.created_at.isoformat()
    assert (yes["answer"], yes["reason"], yes["acknowledgement"]) == ("yes", "", "")
    (rain_check,) = document["rain_checks"]
    assert without(rain_check, {"offered_at", "updated_at", "couple"}) == {
        "comes_to_you": True,
        "day": None,
        "part_of_day": "",
        "part_of_day_label": "",
        "note_for_me": False,  # no note without a day
        "state": "open",
        "version": 1,
    }
    (bobs,) = export_of(bob_client)[0]["rain_checks"]
    day, part = slot_ahead().split(":")
    assert (bobs["comes_to_you"], bobs["day"], bobs["part_of_day"]) == (False, day, part)
    assert (bobs["part_of_day_label"], bobs["note_for_me"]) == ("Morning", True)


def test_decline_card_built_from_my_statement_and_a_talk_answer_export_my_words(
    alice, bob, alice_client, couple
):
    statement = statements.add_statement(
        space=space_of(alice),
        reason="tired",
        meaning="Exhausted tonight",
        not_meaning="Not you",
        reassurance="Love you",
    )
    activity = agreed_activity(alice, bob)
    first = moment.ask(space=space_of(bob), kind="closeness", when="now")
    card = decline_card(
        alice,
        statement_id=statement.pk,
        reason="Exhausted tonight",
        not_meaning="Not you",
        activity_id=activity.pk,
        rain_check=slot_ahead(4, "evening"),
        note_for_me=True,
    )
    moment.decline(space=space_of(alice), ask_id=first.pk, card=card)
    second = moment.ask(space=space_of(bob), kind="closeness", when="tonight")
    moment.answer_talk(space=space_of(alice), ask_id=second.pk, text="How we ask")
    third = moment.ask(space=space_of(bob), kind="closeness", when="now")
    moment.answer_something_else(space=space_of(alice), ask_id=third.pk)
    document, _text = export_of(alice_client)
    declined, talk, together = document["answers_to_asks"]
    assert (declined["statement"], declined["activity"]) == (statement.pk, activity.name)
    assert declined["statement"] == document["statements"][0]["id"]
    assert (talk["answer"], talk["talk_text"]) == ("talk", "How we ask")
    assert (together["answer"], together["together"], together["activity"]) == (
        "something_else",
        True,
        None,
    )
    (rain_check,) = document["rain_checks"]
    assert (rain_check["part_of_day"], rain_check["note_for_me"]) == ("evening", True)
    assert document["asks"] == []  # bob's asks are bob's


def test_a_redeemed_rain_check_exports_redeemed_and_the_ask_it_became(
    bob, bob_client, moment_written
):
    _alice_words, bob_words = moment_written
    moment.redeem(space=space_of(bob), rain_check_id=bob_words.rain_check.pk, words="Now?")
    document, _text = export_of(bob_client)
    (rain_check,) = document["rain_checks"]
    assert rain_check["state"] == "redeemed"
    last = document["asks"][-1]
    assert (last["words"], last["from_rain_check"], last["state"]) == ("Now?", True, "open")
    assert [a["from_rain_check"] for a in document["asks"][:-1]] == [False] * 4


def test_export_never_holds_a_word_of_the_partners_asks_or_decline_cards(
    alice, bob, alice_client, bob_client, moment_written
):
    alice_words, bob_words = moment_written
    alice_doc, alice_text = export_of(alice_client)
    _bob_doc, bob_text = export_of(bob_client)
    for canary in alice_words.canaries():
        assert canary in alice_text and canary not in bob_text, canary
    for canary in bob_words.canaries():
        assert canary in bob_text and canary not in alice_text, canary
    assert "Bob" not in alice_text and "bob@example.com" not in alice_text
    # Exactly her own rows: her four asks, her two answers, her one rain check.
    assert (len(alice_doc["asks"]), len(alice_doc["answers_to_asks"])) == (4, 2)
    assert len(alice_doc["rain_checks"]) == 1
    assert json.dumps(build_export(alice)).count("canary") == len(alice_words.canaries())


# --- account deletion ----------------------------------------------------------------


def test_deleting_an_account_removes_its_asks_decline_cards_and_rain_checks(
    alice, bob, bob_client, moment_written
):
    alice_words, bob_words = moment_written
    alice_id = alice.pk
    bobs_asks = {name: ask.pk for name, ask in bob_words.asks.items()}
    ownership.delete_account(user=alice, password=PASSWORD)
    assert not Ask.objects.filter(asker_id=alice_id).exists()
    assert not AskAnswer.objects.filter(author_id=alice_id).exists()
    assert not RainCheck.objects.filter(owner_id=alice_id).exists()
    assert not Ask.objects.filter(words__in=alice_words.ask_canaries()).exists()
    for canary in alice_words.card_canaries():
        assert not AskAnswer.objects.filter(
            Q(acknowledgement=canary) | Q(reason=canary) | Q(not_meaning=canary) | Q(love=canary)
        ).exists()
    # Bob's asks stay his, every one; the two alice answered lose her answer only.
    kept = {a.pk: a for a in Ask.objects.filter(asker=bob)}
    assert set(kept) == set(bobs_asks.values())
    assert [kept[pk].words for pk in bobs_asks.values()] == bob_words.ask_canaries()
    for name in ("declined", "said_yes"):
        assert kept[bobs_asks[name]].state == Ask.ANSWERED
        assert not AskAnswer.objects.filter(ask_id=bobs_asks[name]).exists()
    # Bob's rain check stays his; his answers to alice's asks went with her asks
    # (one exchange, as a question and its answer: docs/export.md).
    assert RainCheck.objects.filter(owner=bob, pk=bob_words.rain_check.pk, answer=None).exists()
    assert not AskAnswer.objects.exists()
    document, text = export_of(bob_client)
    assert [a["words"] for a in document["asks"]] == bob_words.ask_canaries()
    assert len(document["rain_checks"]) == 1 and document["answers_to_asks"] == []
    for canary in alice_words.canaries():
        assert canary not in text
    assert current_space(bob) is None


def test_deleting_the_decliner_keeps_the_askers_ask_and_takes_his_rain_check(alice, bob, couple):
    """Bob declines alice's ask with a card and a rain check, redeems the rain
    check (his own ask now) and alice says yes. Bob deletes his account: alice's
    ask stays hers, without his card; his rain check and the ask it became go,
    and her yes goes with that ask (an ask and its answer are one exchange)."""
    ask = moment.ask(space=space_of(alice), kind="closeness", when="now", words="Alice asks")
    moment.decline(space=space_of(bob), ask_id=ask.pk, card=decline_card(bob, rain_check="come"))
    rain_check = RainCheck.objects.get(owner=bob)
    redeemed = moment.redeem(space=space_of(bob), rain_check_id=rain_check.pk)
    moment.answer_yes(space=space_of(alice), ask_id=redeemed.pk)
    ownership.delete_account(user=bob, password=PASSWORD)
    assert list(Ask.objects.values_list("words", "asker")) == [("Alice asks", alice.pk)]
    assert not RainCheck.objects.exists() and not AskAnswer.objects.exists()
    assert get_user_model().objects.filter(pk=alice.pk).exists()


# --- unlink, and a new partner -----------------------------------------------------------


def _cards_both_ways(alice, bob):
    """Each declines the other's ask with a card and a rain check; neither has
    put the card they received away, so each dashboard shows the other's words."""
    ask = moment.ask(space=space_of(alice), kind="closeness", when="now", words="ALICE-ASK-canary")
    bob_card = decline_card(bob, reason="BOB-CARD-canary", rain_check=slot_ahead(5, "afternoon"))
    moment.decline(space=space_of(bob), ask_id=ask.pk, card=bob_card)
    ask = moment.ask(space=space_of(bob), kind="closeness", when="now", words="BOB-ASK-canary")
    alice_card = decline_card(alice, reason="ALICE-CARD-canary", rain_check="come")
    moment.decline(space=space_of(alice), ask_id=ask.pk, card=alice_card)


def _moment_html(client):
    """The whole dashboard and the moment part as refetched, for this person."""
    page = client.get("/")
    part = client.get(MOMENT_PART)
    assert page.status_code == 200 and part.status_code in (200, 404)
    return page.content.decode() + (part.content.decode() if part.status_code == 200 else "")


def test_after_unlink_neither_sees_the_others_asks_decline_cards_or_rain_checks(
    alice, bob, alice_client, bob_client, couple
):
    _cards_both_ways(alice, bob)
    alice_html, bob_html = _moment_html(alice_client), _moment_html(bob_client)
    # Before: each sees the other's card and rain check (the check below can see them).
    assert "BOB-CARD-canary" in alice_html and "offered by Bob" in alice_html
    assert "ALICE-CARD-canary" in bob_html and "offered by Alice" in bob_html
    linking.unlink(user=bob)
    for client, ex in ((alice_client, "BOB"), (bob_client, "ALICE")):
        html = _moment_html(client)
        assert f"{ex}-CARD-canary" not in html and f"{ex}-ASK-canary" not in html
        assert "offered by" not in html and 'id="moment"' not in html
        assert client.get(MOMENT_PART).status_code == 404  # no couple, no moment


def test_an_open_ask_is_gone_from_the_exs_screen_after_unlink(
    alice, bob, alice_client, bob_client, couple
):
    ask = moment.ask(space=space_of(bob), kind="sex", when="now", words="BOB-OPEN-ASK-canary")
    assert "BOB-OPEN-ASK-canary" in _moment_html(alice_client)
    decline_url = reverse("moment_decline", args=[ask.pk])
    assert alice_client.get(decline_url).status_code == 200
    linking.unlink(user=alice)
    assert "BOB-OPEN-ASK-canary" not in _moment_html(alice_client)
    response = alice_client.get(decline_url)
    assert response.status_code in (302, 404) and b"BOB-OPEN-ASK-canary" not in response.content


def test_after_relinking_with_someone_new_no_old_ask_decline_or_rain_check_shows(
    alice, bob, carol, make_client, alice_client, bob_client, carol_client, couple
):
    _cards_both_ways(alice, bob)
    old_asks = list(Ask.objects.values_list("pk", flat=True))
    old_rain_checks = {r.owner_id: r.pk for r in RainCheck.objects.all()}
    linking.unlink(user=alice)
    dave = UserFactory(email="dave@example.com", display_name="Dave")
    dave_client = make_client(dave)
    link(alice, carol)
    link(bob, dave)
    old = ["ALICE-CARD-canary", "BOB-CARD-canary", "ALICE-ASK-canary", "BOB-ASK-canary"]
    for client in (alice_client, bob_client, carol_client, dave_client):
        html = _moment_html(client)
        assert 'id="moment"' in html  # the moment is there, fresh
        for canary in old:
            assert canary not in html, canary
        assert "offered by" not in html  # no rain check of the old couple
    # The old rows are out of reach of the new couples: 404, and no words.
    for client, person in ((alice_client, alice), (bob_client, bob)):
        for ask_id in old_asks:
            response = client.get(reverse("moment_decline", args=[ask_id]))
            assert response.status_code == 404
            assert b"-canary" not in response.content
        own = old_rain_checks[person.pk]
        redeem = client.post(reverse("moment_rain_check_redeem", args=[own]), {"kind": "closeness"})
        assert redeem.status_code == 404
        assert RainCheck.objects.get(pk=own).state == RainCheck.OPEN
    # A new ask in the new couple shows to the new partner only.
    moment.ask(space=space_of(carol), kind="closeness", when="now", words="CAROL-ASK-canary")
    assert "CAROL-ASK-canary" in _moment_html(alice_client)
    assert "CAROL-ASK-canary" not in _moment_html(bob_client)


def test_an_ask_open_at_unlink_does_not_stop_asking_a_new_partner(
    alice, bob, carol, alice_client, couple
):
    """Unlink ends an ask still open (it can no longer be answered); before it
    did, the asker could never ask again (one open ask per person)."""
    before = moment.ask(space=space_of(alice), kind="closeness", when="now", words="Before")
    linking.unlink(user=bob)
    before.refresh_from_db()
    assert before.state != Ask.OPEN
    link(alice, carol)
    created = moment.ask(space=space_of(alice), kind="closeness", when="now", words="After")
    assert created.couple_id == space_of(alice).couple.pk
    states = [(a["words"], a["state"]) for a in export_of(alice_client)[0]["asks"]]
    assert states == [("Before", "closed"), ("After", "open")]
