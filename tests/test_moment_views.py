"""The moment over HTTP: every step as a plain form (no JavaScript) and as an
htmx swap of the ``moment`` part; a problem is said calmly and keeps what was
typed."""

import pytest

from couples.models import AlternativeActivity, Ask, AskAnswer, RainCheck
from couples.services import alternatives, moment, statements
from tests.factories import space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "After a long shift my body is done.",
    "not_meaning": "It does not mean I don't want you.",
    "reassurance": "I love the way you hold me.",
}


@pytest.fixture
def clients(make_client, alice, bob, couple):
    return make_client(alice), make_client(bob)


def test_ask_and_decline_with_plain_forms(clients, alice, bob):
    a, b = clients
    statements.add_statement(space=space_of(bob), **WORDS)
    response = a.post(
        "/moment/ask/", {"ask-kind": "closeness", "ask-when": "now", "ask-words": "Hug?"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#moment")
    page = a.get("/").content.decode()
    assert "Sent, gently" in page and "You asked for closeness" in page
    page = b.get("/").content.decode()
    assert "Alice would love closeness, now" in page and "Hug?" in page
    ask = Ask.objects.get()
    card_page = b.get(f"/moment/asks/{ask.pk}/decline/").content.decode()
    # One tap from what he wrote in a calm moment: the card is filled in.
    for words in (
        WORDS["meaning"],
        "It does not mean I don&#x27;t want you.",
        WORDS["reassurance"],
    ):
        assert words in card_page
    form = {
        "acknowledgement": "Thank you for asking.",
        "statement": "",
        "reason": "Worn out, only tonight.",
        "not_meaning": "Not about you.",
        "activity": "",
        "love": "Your laugh.",
        "rain_check": "come",
    }
    preview = b.post(f"/moment/asks/{ask.pk}/decline/", {**form, "action": "preview"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "What Alice will see" in text and "Worn out, only tonight." in text
    assert not AskAnswer.objects.exists()  # a preview sends nothing
    sent = b.post(f"/moment/asks/{ask.pk}/decline/", {**form, "action": "send"})
    assert sent.status_code == 302
    page = a.get("/").content.decode()
    assert "Not now — from Bob" in page and "Not about you." in page
    assert "I’ll come to you" in page


def test_ask_steps_over_htmx_answer_with_the_moment_part(clients, alice, bob):
    a, b = clients
    response = a.post(
        "/moment/ask/", {"ask-kind": "sex", "ask-when": "tonight"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="moment"') and "You asked for sex, tonight" in body
    ask = Ask.objects.get()
    response = b.post(f"/moment/asks/{ask.pk}/answer/", {"answer": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "You said yes." in response.content.decode()
    assert "Bob said yes" in a.get("/").content.decode()


def test_a_second_ask_is_refused_kindly_and_keeps_the_words(clients, alice):
    a, _b = clients
    moment.ask(space=space_of(alice), kind="closeness")
    # The form is not shown while an ask is open; a stale tab posts anyway.
    response = a.post(
        "/moment/ask/",
        {"ask-kind": "closeness", "ask-when": "now", "ask-words": "My kept words"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "already have an open ask" in body


def test_ask_words_too_long_get_a_clear_error_and_are_kept(clients):
    a, _b = clients
    long_words = "x" * 501
    response = a.post(
        "/moment/ask/", {"ask-kind": "closeness", "ask-when": "now", "ask-words": long_words}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert long_words in body and "at most 500 characters" in body
    assert not Ask.objects.exists()


def test_answering_an_ask_that_was_taken_back_says_so(clients, alice, bob):
    _a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    moment.withdraw(space=space_of(alice), ask_id=ask.pk)
    response = b.post(f"/moment/asks/{ask.pk}/answer/", {"answer": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "took this ask back" in response.content.decode()


def test_rain_check_move_page_and_let_go(clients, alice, bob):
    _a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    card = moment.clean_card(space_of(bob), rain_check="come")
    moment.decline(space=space_of(bob), ask_id=ask.pk, card=card)
    rain_check = RainCheck.objects.get()
    page = b.get(f"/moment/rain-checks/{rain_check.pk}/move/")
    assert page.status_code == 200 and "Offer another time" in page.content.decode()
    stale = b.post(
        f"/moment/rain-checks/{rain_check.pk}/move/", {"rain_check": "come", "version": "99"}
    )
    assert stale.status_code == 409 and "another screen" in stale.content.decode()
    moved = b.post(
        f"/moment/rain-checks/{rain_check.pk}/move/",
        {"rain_check": "come", "version": str(rain_check.version)},
    )
    assert moved.status_code == 302
    gone = b.post(f"/moment/rain-checks/{rain_check.pk}/let-go/")
    assert gone.status_code == 302
    assert RainCheck.objects.get().state == RainCheck.LET_GO


def test_the_journal_offers_the_moment_only_to_the_one_who_was_declined(
    make_client, clients, alice, bob
):
    a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    card = moment.clean_card(space_of(bob), reason="Exhausted tonight.")
    moment.decline(space=space_of(bob), ask_id=ask.pk, card=card)
    assert "write about this in your private journal" in a.get("/").content.decode()
    assert (
        "private journal"
        not in b.get("/").content.decode().split('id="moment"')[1].split("</section>")[0]
    )
    journal = a.get(f"/reflections/?from_ask={ask.pk}")
    assert journal.status_code == 200
    assert "Exhausted tonight." in journal.content.decode()
    # Bob's own journal, with alice's ask id, gets nothing from it.
    theirs = b.get(f"/reflections/?from_ask={ask.pk}")
    assert theirs.status_code == 200 and "Exhausted tonight." not in theirs.content.decode()


def test_the_decline_page_offers_only_our_agreed_alternatives(clients, alice, bob):
    _a, b = clients
    massage = AlternativeActivity.objects.get(catalogue_key="massage")
    kissing = AlternativeActivity.objects.get(catalogue_key="kissing")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=massage.pk, answer="yes")
    alternatives.answer_activity(space=space_of(bob), activity_id=kissing.pk, answer="yes")
    ask = moment.ask(space=space_of(alice), kind="closeness")
    page = b.get(f"/moment/asks/{ask.pk}/decline/").content.decode()
    assert f">{massage.name}</option>" in page
    assert f">{kissing.name}</option>" not in page  # only bob's yes: not agreed


def test_ask_for_an_agreed_alternative_from_the_shared_list(clients, alice, bob):
    a, _b = clients
    massage = AlternativeActivity.objects.get(catalogue_key="massage")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=massage.pk, answer="yes")
    page = a.get("/").content.decode()
    shared = page.split('id="alternatives"')[1].split("</section>")[0]
    assert f'name="ask-activity" value="{massage.pk}"' in shared and "Ask for this" in shared
    response = a.post(
        "/moment/ask/",
        {"ask-kind": "alternative", "ask-activity": str(massage.pk), "ask-when": "now"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    ask = Ask.objects.get()
    assert ask.kind == "alternative" and ask.activity == massage


def test_a_decline_card_put_away_is_not_readable_again_by_its_id(clients, alice, bob):
    a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(
        space=space_of(bob), ask_id=ask.pk, card=moment.clean_card(space_of(bob), reason="Tired.")
    )
    moment.reply(space=space_of(alice), ask_id=ask.pk, reply="")
    assert "Tired." not in a.get(f"/reflections/?from_ask={ask.pk}").content.decode()
    # Nor are the words of an ask taken back, on the decline page.
    taken_back = moment.ask(space=space_of(alice), kind="closeness", words="Taken back words")
    moment.withdraw(space=space_of(alice), ask_id=taken_back.pk)
    page = b.get(f"/moment/asks/{taken_back.pk}/decline/")
    assert page.status_code == 409 and "Taken back words" not in page.content.decode()


def test_a_rain_check_let_go_cannot_be_moved(clients, alice, bob):
    _a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(
        space=space_of(bob), ask_id=ask.pk, card=moment.clean_card(space_of(bob), rain_check="come")
    )
    rain_check = RainCheck.objects.get()
    moment.let_go(space=space_of(bob), rain_check_id=rain_check.pk)
    assert b.get(f"/moment/rain-checks/{rain_check.pk}/move/").status_code == 409


def test_not_now_over_htmx_sends_the_page_to_the_decline_card(clients, alice):
    _a, b = clients
    ask = moment.ask(space=space_of(alice), kind="closeness")
    response = b.post(
        f"/moment/asks/{ask.pk}/answer/", {"answer": "not_now"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == f"/moment/asks/{ask.pk}/decline/"
    plain = b.post(f"/moment/asks/{ask.pk}/answer/", {"answer": "not_now"})
    assert plain.status_code == 302 and plain["Location"] == f"/moment/asks/{ask.pk}/decline/"
