"""The weekly check-in's pages and controls, seen by anonymous, alice and bob
(a couple) and carol (an outsider); with htmx and without JavaScript."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from couples.domain.checkins import week_start_for
from couples.models import AgendaTopic, Appreciation, CheckIn, CheckInEntry
from couples.services import checkins as service
from couples.services import therapy
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

CANARY = "Ckn7-appreciation-canary"


@pytest.fixture
def carols_couple(carol):
    return link(carol, UserFactory(email="dave@example.com", display_name="Dave"))


def test_checkin_page_shows_the_steps_in_order_for_both(alice_client, bob_client, alice, couple):
    service.add_appreciation(space=space_of(alice), text=CANARY)
    service.save_went_well(space=space_of(alice), text="Ckn went well")
    service.save_topic(space=space_of(alice), text="Ckn topic")
    for client in (alice_client, bob_client):
        html = client.get(reverse("checkin")).content.decode()
        positions = [html.index(s) for s in (CANARY, "Ckn went well", "Ckn topic")]
        assert positions == sorted(positions)
        assert 'id="live"' in html
        assert 'data-refetch-target="#checkin-body"' in html


def test_checkin_anonymous_is_sent_to_log_in_and_outsider_gets_404(
    anon_client, carol_client, alice, couple
):
    assert anon_client.get(reverse("checkin")).status_code == 302
    # Carol is not linked: no space, no check-in.
    assert carol_client.get(reverse("checkin")).status_code == 404


def test_checkin_add_appreciation_without_js_redirects_to_the_step(alice_client, alice, couple):
    response = alice_client.post(reverse("checkin_appreciation_add"), {"text": "Thanks"})
    assert response.status_code == 302
    assert response["Location"].endswith("#step-appreciations")
    assert Appreciation.objects.get().text == "Thanks"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Shared" in page and "Thanks" in page


def test_checkin_add_appreciation_with_htmx_returns_the_step(alice_client, alice, couple):
    response = alice_client.post(
        reverse("checkin_appreciation_add"), {"text": "Thanks"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="step-appreciations"')
    assert 'id="checkin-appreciations"' in html and "Thanks" in html


def test_checkin_empty_appreciation_is_422_and_saves_nothing(alice_client, alice, couple):
    response = alice_client.post(reverse("checkin_appreciation_add"), {"text": ""})
    assert response.status_code == 422
    assert "Please write the appreciation." in response.content.decode()
    assert not Appreciation.objects.exists()


def test_checkin_fourth_appreciation_is_refused_kindly(alice_client, alice, couple):
    for n in range(3):
        service.add_appreciation(space=space_of(alice), text=f"a{n}")
    page = alice_client.get(reverse("checkin")).content.decode()
    assert 'id="checkin-appreciations-full"' in page
    response = alice_client.post(reverse("checkin_appreciation_add"), {"text": "a4"})
    assert response.status_code == 422
    assert Appreciation.objects.count() == 3


def test_checkin_partner_cannot_take_back_my_appreciation(alice_client, bob_client, alice, couple):
    appreciation = service.add_appreciation(space=space_of(alice), text=CANARY)
    url = reverse("checkin_appreciation_remove", args=[appreciation.pk])
    assert bob_client.post(url).status_code == 404
    assert Appreciation.objects.exists()
    assert alice_client.post(url).status_code == 302
    assert not Appreciation.objects.exists()


def test_checkin_move_topic_without_a_session_says_so_and_links_to_plan(
    alice_client, bob_client, alice, couple
):
    entry = service.save_topic(space=space_of(alice), text="Ckn keep me")
    page = bob_client.get(reverse("checkin")).content.decode()
    assert "No session is planned yet" in page
    response = bob_client.post(
        reverse("checkin_topic_move", args=[entry.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "No session is planned yet, so the topic stays here." in html
    assert 'id="checkin-plan-session-link"' in html
    assert not AgendaTopic.objects.exists()
    assert CheckInEntry.objects.get().topic == "Ckn keep me"


def test_checkin_move_topic_puts_it_on_the_next_agenda(alice_client, bob_client, alice, couple):
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=4)
    )
    entry = service.save_topic(space=space_of(alice), text="Ckn move me")
    response = bob_client.post(reverse("checkin_topic_move", args=[entry.pk]))
    assert response.status_code == 302
    topic = AgendaTopic.objects.get()
    assert (topic.session_id, topic.added_by_id, topic.text) == (
        session.pk,
        alice.pk,
        "Ckn move me",
    )
    page = alice_client.get(reverse("checkin")).content.decode()
    assert "On the agenda for the session on" in page


def test_checkin_outsider_cannot_reach_our_entries(carol_client, carols_couple, alice, couple):
    entry = service.save_topic(space=space_of(alice), text="Ours")
    appreciation = service.add_appreciation(space=space_of(alice), text=CANARY)
    week = CheckIn.objects.get().week_start.isoformat()
    assert carol_client.post(reverse("checkin_topic_move", args=[entry.pk])).status_code == 404
    url = reverse("checkin_appreciation_remove", args=[appreciation.pk])
    assert carol_client.post(url).status_code == 404
    assert carol_client.get(reverse("checkin_week", args=[week])).status_code == 404
    assert CANARY not in carol_client.get(reverse("checkin")).content.decode()


def test_checkin_past_weeks_stay_readable_without_controls(alice_client, bob_client, alice, couple):
    service.add_appreciation(space=space_of(alice), text=CANARY)
    last_week = week_start_for(alice) - datetime.timedelta(days=7)
    CheckIn.objects.update(week_start=last_week)
    past = bob_client.get(reverse("checkin_past")).content.decode()
    url = reverse("checkin_week", args=[last_week.isoformat()])
    assert url in past
    html = alice_client.get(url).content.decode()
    assert CANARY in html and "Take back" not in html
    # This week's page picks up where they left off, without counting anything.
    page = alice_client.get(reverse("checkin")).content.decode()
    assert "Pick up where you left off" in page and url in page
    for nag in ("missed", "streak", "skipped", "overdue"):
        assert nag not in page.lower()


def test_checkin_week_url_with_no_checkin_or_a_bad_date_is_404(alice_client, couple):
    assert alice_client.get(reverse("checkin_week", args=["2020-01-06"])).status_code == 404
    assert alice_client.get(reverse("checkin_week", args=["nonsense"])).status_code == 404


def test_checkin_htmx_get_returns_the_body_for_a_refetch(alice_client, couple):
    response = alice_client.get(reverse("checkin"), HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="checkin-body"')
    assert "HX-Request" in response["Vary"]


def test_checkin_each_part_answers_the_refetch_endpoint(alice_client, bob_client, alice, couple):
    service.add_appreciation(space=space_of(alice), text=CANARY)
    for name in ("checkin-appreciations", "checkin-went-well", "checkin-topics"):
        html = bob_client.get(reverse("part", args=[name])).content.decode()
        assert html.lstrip().startswith(f'<div id="{name}"')
    assert (
        CANARY in bob_client.get(reverse("part", args=["checkin-appreciations"])).content.decode()
    )


def test_checkin_dashboard_links_to_this_weeks_checkin(alice_client, couple):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("checkin")}"' in html


def test_checkin_past_weeks_topic_moves_and_comes_back_to_that_week(alice_client, alice, couple):
    therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=4)
    )
    entry = service.save_topic(space=space_of(alice), text="Ckn an older topic")
    last_week = week_start_for(alice) - datetime.timedelta(days=7)
    CheckIn.objects.update(week_start=last_week)
    url = reverse("checkin_week", args=[last_week.isoformat()])
    page = alice_client.get(url).content.decode()
    assert 'name="back"' in page and "hx-post" not in page.split('id="step-topics"')[1]
    response = alice_client.post(
        reverse("checkin_topic_move", args=[entry.pk]), {"back": last_week.isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#step-topics"
    assert AgendaTopic.objects.get().text == "Ckn an older topic"
    assert "On the agenda for the session on" in alice_client.get(url).content.decode()
