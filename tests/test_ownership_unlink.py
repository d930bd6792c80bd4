"""Unlink, now with content: each keeps what they wrote, shared agreements
dissolve, and nothing of the ex is visible in pages, briefs or exports."""

import pytest
from django.urls import reverse

from couples.models import (
    AgendaTopic,
    Ask,
    AskAnswer,
    RainCheck,
    Reflection,
    Statement,
    StatementQuestion,
    TimingGrid,
)
from couples.services import linking, moment, therapy
from tests.factories import link, space_of
from tests.ownership_helpers import DAY, populate, populate_moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(alice, bob, couple):
    return populate(alice, bob)


def unlink_through_the_page(client):
    response = client.post(reverse("unlink"), {"confirm": "on"})
    assert response.status_code == 302
    return response


def test_each_keeps_every_row_they_wrote(alice, bob, alice_client, written):
    before = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Statement, StatementQuestion, TimingGrid, Reflection, AgendaTopic)
    }
    unlink_through_the_page(alice_client)
    after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in before}
    assert after == before


def test_nothing_of_the_ex_shows_on_either_dashboard(alice_client, bob_client, written):
    alice_words, bob_words = written
    unlink_through_the_page(alice_client)
    alice_page = alice_client.get("/").content.decode()
    bob_page = bob_client.get("/").content.decode()
    for page in (alice_page, bob_page):
        assert 'id="linking"' in page
        assert "Dr. Reyes" not in page
    for canary in bob_words.all_canaries():
        assert canary not in alice_page
    for canary in alice_words.all_canaries():
        assert canary not in bob_page
    assert "Bob" not in alice_page and "bob@example.com" not in alice_page


def test_the_exs_pages_briefs_and_statements_are_404(alice_client, bob_client, written):
    alice_words, bob_words = written
    unlink_through_the_page(bob_client)
    session = alice_words.session
    for client, ex_words in ((alice_client, bob_words), (bob_client, alice_words)):
        for url in (
            reverse("therapy_session", args=[session.pk]),
            reverse("therapy_brief", args=[session.pk]),
            reverse("therapy_brief_pdf", args=[session.pk]),
            reverse("statement_history", args=[ex_words.statement.pk]),
            reverse("timing_edit"),
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            for canary in ex_words.all_canaries():
                assert canary.encode() not in response.content


def test_a_new_partner_starts_fresh_and_the_old_overlap_is_gone(
    alice, bob, carol, alice_client, carol_client, written
):
    alice_words, bob_words = written
    linking.unlink(user=alice)
    link(alice, carol)
    session = therapy.plan_session(space=space_of(carol), planned_for=DAY)
    therapy.add_topic(space=space_of(carol), session_id=session.pk, text="Carol's topic")
    alice_brief = alice_client.get(reverse("therapy_brief", args=[session.pk])).content.decode()
    carol_brief = carol_client.get(reverse("therapy_brief", args=[session.pk])).content.decode()
    for html in (alice_brief, carol_brief):
        for canary in bob_words.all_canaries():
            assert canary not in html
        # The old couple's statements and agenda stay behind with the old couple.
        assert alice_words.meaning not in html and alice_words.topic not in html
        assert "Bob" not in html
        # Fresh grids: every cell is "not marked by both yet", nothing from the old overlap.
        assert ": both usually open" not in html
        assert "No day or time is marked by both of us yet." in html
        assert html.count('<g class="hm-cell hm-unmarked">') == 35 + 1  # the cells and the key
    # Alice's own reflection she flagged stays hers, in her copy only.
    assert alice_words.flagged in alice_brief and alice_words.flagged not in carol_brief
    dashboard = carol_client.get("/").content.decode()
    for canary in alice_words.all_canaries() + bob_words.all_canaries():
        assert canary not in dashboard


def test_unlink_keeps_every_ask_decline_card_and_rain_check_row(alice, bob, alice_client, written):
    populate_moment(alice, bob)
    models = (Ask, AskAnswer, RainCheck)
    before = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    assert all(before.values())  # there is something of each to keep
    asks = dict(Ask.objects.values_list("pk", "words"))
    unlink_through_the_page(alice_client)
    after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    assert after == before
    assert dict(Ask.objects.values_list("pk", "words")) == asks


def test_after_unlink_no_ask_or_decline_card_of_the_ex_shows_on_either_dashboard(
    alice, bob, alice_client, bob_client, written
):
    alice_moment, bob_moment = populate_moment(alice, bob)
    ask = moment.ask(space=space_of(bob), kind="closeness", words=bob_moment.declined + "-again")
    assert ask.words in alice_client.get("/").content.decode()  # the check below can see it
    unlink_through_the_page(bob_client)
    alice_page = alice_client.get("/").content.decode()
    bob_page = bob_client.get("/").content.decode()
    for canary in [*bob_moment.canaries(), ask.words]:
        assert canary not in alice_page
    for canary in alice_moment.canaries():
        assert canary not in bob_page
    for page in (alice_page, bob_page):
        assert 'id="moment"' not in page and "rain-check" not in page
