"""Calm feedback after every action (issue 15, item 1; config/messages.py).

One mechanism: views add a ``django.contrib.messages`` message; without
JavaScript the next page shows it in base.html's region (``#messages``,
role="status"), with htmx the same region is filled out of band in the answer.
Said once, to the person who acted only, never in a live frame.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from couples.models import AgendaTopic, AlternativeActivity, Statement
from couples.services import alternatives, statements, therapy
from tests.factories import space_of
from tests.test_live_frames import frames_for

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "Worn out after the late shift.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love your laugh.",
    "rain_check": "Saturday morning?",
}
REGION = re.compile(
    r'<div id="messages" class="messages" role="status" aria-live="polite"([^>]*)>(.*?)</div>', re.S
)


def region(html: str) -> tuple[str, list[str]]:
    """(the region's extra attributes, the words said in it)."""
    found = REGION.findall(html)
    assert len(found) == 1, f"one messages region expected, found {len(found)}"
    attributes, inside = found[0]
    return attributes, re.findall(r'<p class="flash flash-\w+">(.*?)</p>', inside)


def said(html: str) -> list[str]:
    return region(html)[1]


@pytest.fixture
def alices_statement(couple, alice):
    return statements.add_statement(space=space_of(alice), **WORDS)


def test_feedback_without_javascript_shows_after_the_redirect_once(alices_statement, bob_client):
    response = bob_client.post(reverse("statement_heard", args=[alices_statement.pk]))
    # Back where Bob was: at the statement he marked, not the top of the page.
    assert response.status_code == 302
    assert response["Location"] == f"/#statement-{alices_statement.pk}"
    assert said(bob_client.get("/").content.decode()) == ["Marked as heard"]
    assert said(bob_client.get("/").content.decode()) == []  # consumed: not again


def test_feedback_region_is_always_on_the_page_as_a_polite_live_region(alice_client, couple):
    attributes, words = region(alice_client.get("/").content.decode())
    assert words == [] and "hx-swap-oob" not in attributes


def test_feedback_with_htmx_arrives_in_the_region_out_of_band_and_is_consumed(
    alices_statement, bob_client
):
    url = reverse("statement_heard", args=[alices_statement.pk])
    html = bob_client.post(url, htmx=True).content.decode()
    assert html.lstrip().startswith('<section id="statements"')  # the part, swapped in place
    attributes, words = region(html)
    # innerHTML: the live region itself stays, so a screen reader announces the words.
    assert attributes == ' hx-swap-oob="innerHTML"' and words == ["Marked as heard"]
    assert said(bob_client.get("/").content.decode()) == []


def test_feedback_for_a_redirecting_htmx_answer_waits_for_the_next_page(alice_client, couple):
    response = alice_client.post(reverse("statement_new"), WORDS, htmx=True)
    statement = Statement.objects.get()
    assert response["HX-Redirect"] == f"/#statement-{statement.pk}"
    assert b"messages" not in response.content
    assert said(alice_client.get("/").content.decode()) == ["Saved"]


def test_feedback_is_not_added_to_htmx_parts_that_said_nothing(alice_client, couple):
    html = alice_client.get(reverse("part", args=["statements"]), htmx=True).content.decode()
    assert 'id="messages"' not in html


def test_feedback_wording_for_each_statement_action(
    alices_statement, bob, alice_client, bob_client
):
    pk = alices_statement.pk
    question = statements.ask_question(space=space_of(bob), statement_id=pk, text="Why?")
    steps = [
        (bob_client, reverse("statement_ask", args=[pk]), {"text": "And mornings?"}, "Sent"),
        (
            alice_client,
            reverse("statement_answer", args=[question.pk]),
            {"answer": "Often, yes.", "version": question.version},
            "Saved",
        ),
        (alice_client, reverse("statement_retire", args=[pk]), {}, "Retired"),
    ]
    for client, url, data, words in steps:
        html = client.post(url, data, htmx=True).content.decode()
        assert said(html) == [words], url


def test_feedback_never_travels_in_a_live_frame_to_either_partner(
    alices_statement, alice, bob, bob_client, sent, django_capture_on_commit_callbacks
):
    url = reverse("statement_heard", args=[alices_statement.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(url, htmx=True)
    assert said(response.content.decode()) == ["Marked as heard"]
    frames = frames_for(sent, alice) + frames_for(sent, bob)
    assert frames, "the change itself is pushed"
    for frame in frames:
        assert "Marked as heard" not in frame and 'id="messages"' not in frame


def test_taking_back_a_yes_says_only_taken_back_and_only_to_me(
    couple, alice, bob, alice_client, bob_client, sent, django_capture_on_commit_callbacks
):
    activity = AlternativeActivity.objects.get(catalogue_key="cuddling")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=activity.pk, answer="yes")
    url = reverse("alternatives_withdraw", args=[activity.pk])
    with django_capture_on_commit_callbacks(execute=True):
        html = bob_client.post(url, htmx=True).content.decode()
    assert said(html) == ["Taken back"]
    # Alice's screen changes (the activity leaves the shared list) and nothing more.
    alices = frames_for(sent, alice)
    assert alices and all("Taken back" not in f and "messages" not in f for f in alices)
    assert said(alice_client.get("/").content.decode()) == []
    # Without JavaScript: the same words, after the redirect, to Bob only.
    alternatives.answer_activity(space=space_of(bob), activity_id=activity.pk, answer="yes")
    bob_client.post(url)
    assert said(bob_client.get("/").content.decode()) == ["Taken back"]
    assert said(alice_client.get("/").content.decode()) == []


def test_feedback_for_a_private_answer_is_saved_and_the_same_whatever_the_partner_said(
    couple, alice, bob, alice_client
):
    activity = AlternativeActivity.objects.get(catalogue_key="cuddling")
    url = reverse("alternatives_answer", args=[activity.pk])
    data = {f"a{activity.pk}-answer": "yes"}
    first = alice_client.post(url, data, htmx=True).content.decode()
    alternatives.answer_activity(space=space_of(bob), activity_id=activity.pk, answer="no")
    second = alice_client.post(url, data, htmx=True).content.decode()
    assert said(first) == said(second) == ["Saved"]


def test_feedback_for_the_agenda_add_and_move_and_back_at_the_topic(couple, alice, alice_client):
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=3)
    )
    add = reverse("therapy_topic_add", args=[session.pk])
    html = alice_client.post(add, {"text": "Mornings"}, htmx=True).content.decode()
    assert said(html) == ["Added to the agenda"]
    response = alice_client.post(add, {"text": "Evenings", "back": "dashboard"})
    second = AgendaTopic.objects.get(text="Evenings")
    assert response["Location"] == f"/#topic-{second.pk}"
    assert said(alice_client.get("/").content.decode()) == ["Added to the agenda"]
    move = reverse("therapy_topic_move", args=[second.pk])
    html = alice_client.post(move, {"direction": "up"}, htmx=True).content.decode()
    assert said(html) == ["Moved"]
    response = alice_client.post(move, {"direction": "down"})
    page = reverse("therapy_session", args=[session.pk])
    assert response["Location"] == f"{page}#topic-{second.pk}"
    assert said(alice_client.get(page).content.decode()) == ["Moved"]


def test_feedback_for_saving_the_week_with_htmx_is_said_once(couple, alice_client):
    from tests.test_timing_views import grid_post

    html = alice_client.post(reverse("timing_edit"), grid_post(), htmx=True).content.decode()
    assert said(html) == ["Your week is saved."]
    assert html.count("Your week is saved.") == 1  # not also inside the editor


def test_feedback_for_the_moment_is_in_the_one_region(couple, alice_client):
    data = {"ask-kind": "closeness", "ask-when": "now"}
    html = alice_client.post(reverse("moment_ask"), data, htmx=True).content.decode()
    assert said(html) == ["Sent, gently. You can take it back at any time; no answer is needed."]
    assert 'id="moment-status"' not in html


def test_feedback_for_a_refused_save_is_the_error_in_place_not_a_message(
    alices_statement, alice_client
):
    url = reverse("statement_answer", args=[999999])
    assert alice_client.post(url, {"answer": "x", "version": 1}, htmx=True).status_code == 404
    html = alice_client.post(reverse("statement_new"), {**WORDS, "meaning": ""}, htmx=True)
    assert html.status_code == 422 and b'id="messages"' not in html.content
