"""Every therapy view, seen by anonymous, alice and bob (a couple) and carol (outsider)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples.models import AgendaTopic, TherapySession
from couples.services import linking
from couples.services import therapy as service
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

DAY = date.today() + timedelta(days=7)
SECRET_TOPIC = "Canary topic 7f3a"


@pytest.fixture
def session(alice, couple):
    return service.plan_session(space=space_of(alice), planned_for=DAY, therapist_name="Dr. Reyes")


@pytest.fixture
def topic(alice, session):
    return service.add_topic(
        space=space_of(alice), session_id=session.pk, text=SECRET_TOPIC, note="a note"
    )


def _texts(session):
    return list(session.topics.order_by("position").values_list("text", flat=True))


def _post_urls(session, topic):
    return [
        (reverse("therapy_session_create"), {"planned_for": DAY.isoformat()}),
        (
            reverse("therapy_session_update", args=[session.pk]),
            {"planned_for": DAY.isoformat(), "version": 1},
        ),
        (reverse("therapy_topic_add", args=[session.pk]), {"text": "New"}),
        (reverse("therapy_topic_move", args=[topic.pk]), {"direction": "down"}),
        (reverse("therapy_topic_discussed", args=[topic.pk]), {"discussed": "1"}),
        (reverse("therapy_topic_remove", args=[topic.pk]), {}),
    ]


def _snapshot():
    return (
        list(TherapySession.objects.order_by("pk").values()),
        list(AgendaTopic.objects.order_by("pk").values()),
    )


# --- access matrix ----------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_every_view(anon_client, session, topic):
    before = _snapshot()
    page = anon_client.get(reverse("therapy_session", args=[session.pk]))
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
    for url, data in _post_urls(session, topic):
        response = anon_client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
        htmx = anon_client.post(url, data, htmx=True)
        assert htmx.status_code == 401 and htmx["HX-Redirect"].startswith(reverse("account_login"))
        assert SECRET_TOPIC.encode() not in response.content + htmx.content
    assert _snapshot() == before


def test_outsider_gets_404_everywhere_and_changes_nothing(carol_client, session, topic):
    before = _snapshot()
    page = carol_client.get(reverse("therapy_session", args=[session.pk]))
    assert page.status_code == 404
    assert SECRET_TOPIC.encode() not in page.content and b"Reyes" not in page.content
    for url, data in _post_urls(session, topic):
        for htmx in (False, True):
            response = carol_client.post(url, data, htmx=htmx)
            assert response.status_code == 404, url
            assert SECRET_TOPIC.encode() not in response.content
    assert _snapshot() == before


def test_unknown_ids_are_404(alice_client, session):
    assert alice_client.get(reverse("therapy_session", args=[999999])).status_code == 404
    for name in ("therapy_topic_move", "therapy_topic_discussed", "therapy_topic_remove"):
        response = alice_client.post(reverse(name, args=[999999]), {"direction": "up"})
        assert response.status_code == 404


def test_another_couples_session_is_404_for_a_linked_stranger(make_client, carol, session, topic):
    link(carol, UserFactory())
    carol_client = make_client(carol)
    before = _snapshot()
    assert carol_client.get(reverse("therapy_session", args=[session.pk])).status_code == 404
    for url, data in _post_urls(session, topic)[1:]:
        response = carol_client.post(url, data)
        assert response.status_code == 404, url
        assert SECRET_TOPIC.encode() not in response.content
    assert _snapshot() == before


def test_every_post_without_csrf_is_rejected(alice_client, session, topic):
    before = _snapshot()
    for url, data in _post_urls(session, topic):
        assert alice_client.post(url, data, csrf=False).status_code == 403, url
    assert _snapshot() == before


def test_get_never_changes_state(alice_client, session, topic):
    before = _snapshot()
    for url, _data in _post_urls(session, topic):
        assert alice_client.get(url).status_code == 405, url
    assert _snapshot() == before


def test_both_partners_see_the_session_page_with_authors(
    alice_client, bob_client, bob, session, topic
):
    service.add_topic(space=space_of(bob), session_id=session.pk, text="Bob's point")
    alice_html = alice_client.get(reverse("therapy_session", args=[session.pk])).content.decode()
    bob_html = bob_client.get(reverse("therapy_session", args=[session.pk])).content.decode()
    for html in (alice_html, bob_html):
        assert SECRET_TOPIC in html and "Bob&#x27;s point" in html and "Dr. Reyes" in html
        assert f'id="agenda-{session.pk}"' in html
    assert "Added by you" in alice_html and "Added by Bob" in alice_html
    assert "Added by Alice" in bob_html and "Added by you" in bob_html


def test_remove_button_only_on_your_own_topics(bob_client, session, topic):
    html = bob_client.get(reverse("therapy_session", args=[session.pk])).content.decode()
    assert reverse("therapy_topic_remove", args=[topic.pk]) not in html
    assert reverse("therapy_topic_discussed", args=[topic.pk]) in html


# --- sessions ------------------------------------------------------------------------


def test_planning_a_session_without_js_redirects_to_its_page(alice_client, couple):
    response = alice_client.post(
        reverse("therapy_session_create"),
        {"planned_for": DAY.isoformat(), "therapist_name": "Dr. Li"},
    )
    session = TherapySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("therapy_session", args=[session.pk])


def test_planning_a_session_with_htmx_returns_the_therapy_part(bob_client, couple):
    response = bob_client.post(
        reverse("therapy_session_create"), {"planned_for": DAY.isoformat()}, htmx=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="therapy"')
    assert "Our agenda" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("day", ["", "not a date", "1901-01-01"])
def test_bad_session_date_is_422_and_saves_nothing(alice_client, couple, htmx, day):
    response = alice_client.post(reverse("therapy_session_create"), {"planned_for": day}, htmx=htmx)
    assert response.status_code == 422
    assert b'class="errorlist' in response.content
    assert not TherapySession.objects.exists()


def test_too_long_therapist_name_is_422(alice_client, couple):
    response = alice_client.post(
        reverse("therapy_session_create"),
        {"planned_for": DAY.isoformat(), "therapist_name": "x" * 101},
        htmx=True,
    )
    assert response.status_code == 422 and b"100 characters" in response.content
    assert not TherapySession.objects.exists()


def test_outsider_cannot_plan_a_session(carol_client, carol):
    response = carol_client.post(reverse("therapy_session_create"), {"planned_for": DAY})
    assert response.status_code == 404
    assert not TherapySession.objects.exists()


def test_partner_edits_the_session_and_a_stale_form_gets_409_with_both(
    alice_client, bob_client, session
):
    url = reverse("therapy_session_update", args=[session.pk])
    ok = bob_client.post(
        url, {"planned_for": DAY.isoformat(), "therapist_name": "Dr. Li", "version": 1}, htmx=True
    )
    assert ok.status_code == 200 and b"Dr. Li" in ok.content
    stale = alice_client.post(
        url, {"planned_for": DAY.isoformat(), "therapist_name": "Dr. Kim", "version": 1}, htmx=True
    )
    assert stale.status_code == 409
    assert b"Dr. Li" in stale.content and b"Dr. Kim" in stale.content
    # The re-rendered form builds on the saved version, so saving again works.
    assert b'name="version" value="2"' in stale.content
    session.refresh_from_db()
    assert (session.therapist_name, session.version) == ("Dr. Li", 2)


def test_session_edit_without_js_redirects_back(alice_client, session):
    url = reverse("therapy_session_update", args=[session.pk])
    response = alice_client.post(
        url, {"planned_for": DAY.isoformat(), "therapist_name": "", "version": 1}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.therapist_name == ""


def test_session_edit_bad_input_is_422(alice_client, session):
    url = reverse("therapy_session_update", args=[session.pk])
    response = alice_client.post(url, {"planned_for": "", "version": 1}, htmx=True)
    assert response.status_code == 422
    session.refresh_from_db()
    assert session.version == 1


# --- agenda topics --------------------------------------------------------------------


def test_partner_adds_a_topic_with_htmx_and_gets_the_agenda(bob_client, bob, session):
    response = bob_client.post(
        reverse("therapy_topic_add", args=[session.pk]),
        {"text": "Sunday mornings", "note": "Why they feel rushed"},
        htmx=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<section id="agenda-{session.pk}"')
    assert "Sunday mornings" in html and "Added by you" in html
    assert AgendaTopic.objects.get().added_by == bob


def test_adding_a_topic_from_the_dashboard_without_js_returns_to_the_dashboard(
    alice_client, session
):
    response = alice_client.post(
        reverse("therapy_topic_add", args=[session.pk]), {"text": "Hi", "back": "dashboard"}
    )
    first = AgendaTopic.objects.get()
    # Back at the topic just added (the agenda holds it on the dashboard too).
    assert response.status_code == 302 and response["Location"] == f"/#topic-{first.pk}"
    plain = alice_client.post(reverse("therapy_topic_add", args=[session.pk]), {"text": "Hi 2"})
    second = AgendaTopic.objects.exclude(pk=first.pk).get()
    page = reverse("therapy_session", args=[session.pk])
    assert plain["Location"] == f"{page}#topic-{second.pk}"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    "data,message",
    [({"text": ""}, b"Please write the topic"), ({"text": "x" * 201}, b"200 characters")],
)
def test_bad_topic_is_422_and_saves_nothing(alice_client, session, htmx, data, message):
    response = alice_client.post(reverse("therapy_topic_add", args=[session.pk]), data, htmx=htmx)
    assert response.status_code == 422
    assert message in response.content
    assert not AgendaTopic.objects.exists()


def test_either_partner_moves_topics_up_and_down(alice_client, bob_client, alice, bob, session):
    a = service.add_topic(space=space_of(alice), session_id=session.pk, text="A")
    service.add_topic(space=space_of(bob), session_id=session.pk, text="B")
    response = bob_client.post(
        reverse("therapy_topic_move", args=[a.pk]), {"direction": "down"}, htmx=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(">B<") < html.index(">A<")
    assert _texts(session) == ["B", "A"]
    response = alice_client.post(reverse("therapy_topic_move", args=[a.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert _texts(session) == ["A", "B"]


def test_bad_move_direction_is_422(alice_client, topic):
    response = alice_client.post(
        reverse("therapy_topic_move", args=[topic.pk]), {"direction": "left"}, htmx=True
    )
    assert response.status_code == 422


def test_partner_cannot_remove_the_authors_topic(bob_client, topic):
    response = bob_client.post(reverse("therapy_topic_remove", args=[topic.pk]), htmx=True)
    assert response.status_code == 403
    assert b"Only the person who added a topic can remove it" in response.content
    assert AgendaTopic.objects.filter(pk=topic.pk).exists()


def test_author_removes_their_topic(alice_client, topic, session):
    response = alice_client.post(reverse("therapy_topic_remove", args=[topic.pk]), htmx=True)
    assert response.status_code == 200
    assert SECRET_TOPIC.encode() not in response.content
    assert not AgendaTopic.objects.exists()


def test_partner_marks_discussed_and_back(bob_client, topic):
    url = reverse("therapy_topic_discussed", args=[topic.pk])
    response = bob_client.post(url, {"discussed": "1"}, htmx=True)
    assert response.status_code == 200 and b"Not discussed yet" in response.content
    topic.refresh_from_db()
    assert topic.is_discussed
    assert bob_client.post(url, {"discussed": "0"}).status_code == 302
    topic.refresh_from_db()
    assert not topic.is_discussed


def test_bad_discussed_value_is_422(alice_client, topic):
    url = reverse("therapy_topic_discussed", args=[topic.pk])
    assert alice_client.post(url, {"discussed": "maybe"}, htmx=True).status_code == 422
    topic.refresh_from_db()
    assert not topic.is_discussed


# --- the dashboard part ------------------------------------------------------------------


def test_dashboard_shows_the_upcoming_agenda_to_both(alice_client, bob_client, session, topic):
    for client in (alice_client, bob_client):
        html = client.get("/").content.decode()
        assert '<section id="therapy"' in html and f'id="agenda-{session.pk}"' in html
        assert SECRET_TOPIC in html


def test_dashboard_prefers_the_next_session_over_a_past_one(alice, alice_client, couple):
    past = service.plan_session(
        space=space_of(alice), planned_for=date.today() - timedelta(days=30)
    )
    service.add_topic(space=space_of(alice), session_id=past.pk, text="Old topic")
    upcoming = service.plan_session(space=space_of(alice), planned_for=DAY)
    later = service.plan_session(space=space_of(alice), planned_for=DAY + timedelta(days=30))
    html = alice_client.get("/").content.decode()
    assert f'id="agenda-{upcoming.pk}"' in html
    assert f'id="agenda-{past.pk}"' not in html and "Old topic" not in html
    assert reverse("therapy_session", args=[later.pk]) in html


def test_unlinked_people_see_no_session_or_topic(alice_client, bob_client, bob, session, topic):
    service.add_topic(space=space_of(bob), session_id=session.pk, text="Bob canary 91c2")
    linking.unlink(user=bob)
    for client in (alice_client, bob_client):
        html = client.get("/").content.decode()
        assert SECRET_TOPIC not in html and "Bob canary 91c2" not in html
        assert client.get(reverse("therapy_session", args=[session.pk])).status_code == 404
        response = client.post(
            reverse("therapy_topic_discussed", args=[topic.pk]), {"discussed": 1}
        )
        assert response.status_code == 404


def test_dashboard_query_count_is_the_same_with_1_and_200_topics(
    alice_client, alice, bob, session, uncached_parts
):
    service.add_topic(space=space_of(alice), session_id=session.pk, text="Only one")
    alice_client.get("/")  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        alice_client.get("/")
    last = AgendaTopic.objects.get()
    AgendaTopic.objects.bulk_create(
        AgendaTopic(
            session=session,
            couple=session.couple,
            added_by=bob if i % 2 else alice,
            text=f"Topic {i}",
            position=last.position + 1 + i,
        )
        for i in range(199)
    )
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get("/")
    assert response.content.decode().count('<li id="topic-') == 200
    assert len(many) == len(one)


def test_a_later_partner_sees_nothing_of_an_earlier_couples_agenda(
    make_client, alice, bob, session, topic
):
    service.add_topic(space=space_of(bob), session_id=session.pk, text="Bob canary 44d0")
    linking.unlink(user=alice)
    dave = UserFactory(display_name="Dave")
    link(alice, dave)
    for person in (alice, dave):
        client = make_client(person)
        html = client.get("/").content.decode()
        assert SECRET_TOPIC not in html and "Bob canary 44d0" not in html
        assert "Dr. Reyes" not in html
        assert client.get(reverse("therapy_session", args=[session.pk])).status_code == 404
